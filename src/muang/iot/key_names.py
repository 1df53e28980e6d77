"""What a telemetry key is called on a page: the profile's own label for it if it has one, else the name of a key
that street-light controllers, air stations and river gauges commonly report (TALQ and the Smart Data Models'
`Streetlight`, `AirQualityObserved`, `WaterObserved` attribute names, as Muang's profiles spell them), else the
key itself (what the device sends; a profile's administrator can name it)."""

from django.utils.translation import gettext_lazy as _

WELL_KNOWN = {
    "on": _("lamp on"),
    "dim": _("dimming level"),
    "power_w": _("power"),
    "energy_kwh": _("energy used"),
    "lamp_failure": _("lamp failure"),
    "voltage": _("voltage"),
    "current": _("current"),
    "pm25": "PM2.5",
    "pm10": "PM10",
    "temperature": _("temperature"),
    "humidity": _("relative humidity"),
    "level": _("water level"),
    "battery": _("battery"),
    "rssi": _("signal strength"),
}


def key_name(key: str, label: str = "") -> str:
    return label or str(WELL_KNOWN.get(key, key))
