"""An organisation with a few devices: an air station (JSON keys) and a LoRaWAN gauge (byte layout)."""

from muang.core.access import SYSTEM
from muang.iot.services.devices import device_create, device_profile_create

AIR_KEYS = [
    {"key": "pm25", "unit": "µg/m³", "type": "float", "min": 0, "max": 1000},
    {"key": "pm10", "unit": "µg/m³", "type": "float", "min": 0, "max": 2000},
    {"key": "online", "type": "bool"},
]
GAUGE_KEYS = [
    {"key": "level", "unit": "m", "type": "float", "min": -5, "max": 30},
    {"key": "battery", "unit": "%", "type": "int", "min": 0, "max": 100},
    {"key": "temperature", "unit": "°C", "type": "float", "min": -40, "max": 85},
]
GAUGE_LAYOUT = {
    "kind": "bytes",
    "fields": [
        {"key": "level", "offset": 0, "type": "s16", "endianness": "big", "scale": 0.01},
        {"key": "battery", "offset": 2, "type": "u8"},
        {"key": "temperature", "offset": 3, "type": "f32", "endianness": "little"},
    ],
}


def air_profile(org, name="air station"):
    return device_profile_create(
        actor=SYSTEM,
        organization=org,
        name=name,
        keys=AIR_KEYS,
        decoder={"kind": "json", "keys": {"pm2_5": "pm25", "pm10": "pm10", "online": "online"}},
        report_interval=300,
    )


def gauge_profile(org):
    return device_profile_create(
        actor=SYSTEM, organization=org, name="river gauge", keys=GAUGE_KEYS, decoder=GAUGE_LAYOUT
    )


def device(org, profile, serial="AQ-001", **kwargs):
    """(device, credential)"""
    return device_create(
        actor=SYSTEM, organization=org, profile=profile, name=f"device {serial}", serial=serial, **kwargs
    )
