"""The IoT demo (deterministic, once): device profiles, devices placed inside the demo organisations' boundaries,
alarm rules, a LoRaWAN webhook secret per organisation with gauges, and the credentials the simulator
(`manage.py iot_simulate`) uses.

    air-quality stations   JSON over MQTT          12 across the five demo organisations
    river gauges           LoRaWAN byte layout     4 (ChirpStack webhooks; one through The Things Stack)
    street-light controllers  JSON over MQTT       50 in ทต.โนนสะอาด

Fifty light controllers: the lighting demo (`muang.lighting.demo`) puts them on the first 50 of the town's 1,500
poles; their lamp-failure alarm opens the repair case the pole's fault shares.

Everything goes through the services (profiles, devices, rules, the LoRaWAN secret, the case category), so the
demo is validated like anything staff create. The database keeps only hashes of the device credentials and of
the webhook secrets: the secrets are written once to `MUANG_DATA/iot-demo.json` (mode 0600) for the simulator.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction

from muang.cases.models import CaseCategory
from muang.cases.services import case_category_create
from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.iot.alarms.services import alarm_rule_create
from muang.iot.lorawan.services import lorawan_secret_rotate
from muang.iot.models import SRID, DeviceProfile
from muang.iot.mqtt.broker import write_broker_config
from muang.iot.services.devices import device_create, device_profile_create

SEED = 2569
AIR, GAUGE, LIGHT = "air", "gauge", "light"
LIGHTS_ORG = "nonsaat"
LIGHTS = 50
# organisation -> (air stations, river gauges)
PLACEMENT = {"chumphae": (4, 2), "nonsaat": (3, 1), "nanongthum": (2, 1), "nonhan": (2, 0), "chaiso": (1, 0)}
TTS_GAUGE = (
    "GAUGE-CHUMPHAE-02"  # this one reaches Muang through The Things Stack, the others through ChirpStack
)
DANGER_LEVEL = 4.5  # metres on the gauge: water over the bank
WARNING_LEVEL = 3.5

PROFILES = {
    AIR: {
        "name": "สถานีตรวจวัดคุณภาพอากาศ",
        "keys": [
            {"key": "pm25", "unit": "µg/m³", "type": "float", "min": 0, "max": 1000},
            {"key": "pm10", "unit": "µg/m³", "type": "float", "min": 0, "max": 2000},
            {"key": "temperature", "unit": "°C", "type": "float", "min": -20, "max": 70},
            {"key": "humidity", "unit": "%", "type": "float", "min": 0, "max": 100},
        ],
        "decoder": {
            "kind": "json",
            "keys": {"pm2_5": "pm25", "pm10": "pm10", "temp": "temperature", "rh": "humidity"},
        },
        "report_interval": 60,
    },
    GAUGE: {
        "name": "เครื่องวัดระดับน้ำ (LoRaWAN)",
        "keys": [
            {"key": "level", "unit": "m", "type": "float", "min": -5, "max": 30},
            {"key": "battery", "unit": "%", "type": "int", "min": 0, "max": 100},
        ],
        # The frame: level in centimetres (s16, big-endian), battery percent (u8).
        "decoder": {
            "kind": "bytes",
            "fields": [
                {"key": "level", "offset": 0, "type": "s16", "endianness": "big", "scale": 0.01},
                {"key": "battery", "offset": 2, "type": "u8"},
            ],
        },
        "report_interval": 300,
    },
    LIGHT: {
        "name": "ตัวควบคุมไฟส่องสว่าง",
        "keys": [
            {"key": "on", "type": "bool"},
            {"key": "dim", "unit": "%", "type": "int", "min": 0, "max": 100},
            {"key": "power_w", "unit": "W", "type": "float", "min": 0, "max": 1000},
            {"key": "energy_kwh", "unit": "kWh", "type": "float", "min": 0, "max": 1000000},
            {"key": "lamp_failure", "type": "bool"},
        ],
        "decoder": {"kind": "json", "keys": {}},  # the payload uses the telemetry keys
        "report_interval": 300,
    },
}
AIR_STATION_NAMES = ["ตลาดสด", "โรงเรียน", "โรงพยาบาลส่งเสริมสุขภาพตำบล", "สำนักงาน", "วัด", "สวนสาธารณะ"]


@dataclass(frozen=True)
class Placement:
    kind: str
    serial: str
    name: str
    dev_eui: str | None = None
    asset_ref: str = ""


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / "iot-demo.json"


def read_credentials(path: Path | None = None) -> dict:
    """What the simulator needs: {"lorawan": {slug: secret}, "devices": [{org, kind, serial, credential_id,
    credential, dev_eui, channel}]}; empty when the demo was never loaded here."""
    path = path or credentials_path()
    if not path.exists():
        return {"lorawan": {}, "devices": []}
    return json.loads(path.read_text())


def _write_credentials(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
    )  # never readable by others, not even briefly
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _point_in(organization: Organization, rng: random.Random) -> Point:
    xmin, ymin, xmax, ymax = organization.boundary.extent
    while True:
        p = Point(round(rng.uniform(xmin, xmax), 6), round(rng.uniform(ymin, ymax), 6), srid=SRID)
        if organization.boundary.contains(p):
            return p


def _near(organization: Organization, centre: Point, rng: random.Random, spread: float) -> Point:
    """A point within about `spread` degrees of `centre`, inside the boundary (a street of poles)."""
    for _attempt in range(100):
        p = Point(
            round(centre.x + rng.uniform(-spread, spread), 6),
            round(centre.y + rng.uniform(-spread, spread), 6),
            srid=SRID,
        )
        if organization.boundary.contains(p):
            return p
    return centre


def _placements(slug: str) -> list[Placement]:
    air, gauges = PLACEMENT[slug]
    out = [
        Placement(
            AIR,
            f"AQ-{slug.upper()}-{i + 1:02d}",
            f"สถานีอากาศ {AIR_STATION_NAMES[i % len(AIR_STATION_NAMES)]}",
        )
        for i in range(air)
    ]
    for i in range(gauges):
        # A DevEUI from a private block: 70B3D5 + the organisation's index + the gauge's.
        eui = f"70B3D5FFFE{list(PLACEMENT).index(slug) + 1:02X}{i + 1:04X}"
        out.append(Placement(GAUGE, f"GAUGE-{slug.upper()}-{i + 1:02d}", f"ระดับน้ำลำน้ำเชิญ จุดที่ {i + 1}", eui))
    if slug == LIGHTS_ORG:
        out += [
            Placement(LIGHT, f"SL-{i + 1:04d}", f"ไฟถนน เสาที่ {i + 1}", asset_ref=f"เสา NS-{i + 1:04d}")
            for i in range(LIGHTS)
        ]
    return out


def _streetlight_category(organization: Organization):
    """The organisation's street-light category (the reports demo's, if it ran), else one made through the cases
    setup service, handled by กองช่าง."""
    engineering = organization.departments.get(code="engineering")
    category = CaseCategory.objects.filter(organization=organization, code="streetlight").first()
    if category is None:
        category = case_category_create(
            actor=SYSTEM,
            organization=organization,
            code="streetlight",
            name_th="ไฟส่องสว่างชำรุด",
            name_en="Street light out",
            default_department=engineering,
            sla_hours=16,
        )
    return category, engineering


def _rules(organization: Organization, kind: str, profile: DeviceProfile) -> None:
    def rule(**fields):
        alarm_rule_create(actor=SYSTEM, organization=organization, profile=profile, **fields)

    if kind == AIR:
        pm = {"alarm_type": "pm25_high", "kind": "threshold", "key": "pm25", "operator": "gt"}
        rule(label="ฝุ่น PM2.5 เกินมาตรฐาน", severity="major", value=37.5, duration_seconds=600, **pm)
        rule(label="ฝุ่น PM2.5 ระดับมีผลกระทบต่อสุขภาพ", severity="critical", value=75, **pm)
    elif kind == GAUGE:
        level = {"alarm_type": "water_level_high", "kind": "threshold", "key": "level", "operator": "gt"}
        rule(label="ระดับน้ำเฝ้าระวัง", severity="major", value=WARNING_LEVEL, **level)
        rule(label="ระดับน้ำวิกฤต ล้นตลิ่ง", severity="critical", value=DANGER_LEVEL, **level)
        rule(alarm_type="battery_low", label="แบตเตอรี่ใกล้หมด", severity="minor", kind="threshold",
             key="battery", operator="lt", value=15)  # fmt: skip
    else:
        category, engineering = _streetlight_category(organization)
        rule(alarm_type="lamp_failure", label="หลอดไฟดับ", severity="major", kind="state", key="lamp_failure",
             operator="eq", value=1, case_category=category, case_department=engineering)  # fmt: skip
    rule(
        alarm_type="offline", label="อุปกรณ์ขาดการติดต่อ", severity="warning", kind="silence", silence_intervals=3
    )


def load_demo_iot(*, path: Path | None = None, broker_dir: Path | None = None) -> int:
    """Create the IoT demo once; returns how many devices were created (0 when it is already there)."""
    path = path or credentials_path()
    orgs = [o for o in Organization.objects.filter(slug__in=PLACEMENT).order_by("slug") if o.boundary]
    if not orgs or DeviceProfile.objects.filter(organization__in=orgs, name=PROFILES[AIR]["name"]).exists():
        return 0
    credentials: dict = {"lorawan": {}, "devices": []}
    with transaction.atomic():
        for org in orgs:
            rng = random.Random(f"{SEED}:{org.slug}")  # noqa: S311 (demo data, deliberately reproducible)
            placements = _placements(org.slug)
            profiles = {}
            for kind in dict.fromkeys(p.kind for p in placements):
                profiles[kind] = device_profile_create(actor=SYSTEM, organization=org, **PROFILES[kind])
                _rules(org, kind, profiles[kind])
            if any(p.kind == GAUGE for p in placements):
                credentials["lorawan"][org.slug] = lorawan_secret_rotate(organization=org)
            street = _point_in(org, rng)
            for p in placements:
                point = _near(org, street, rng, 0.004) if p.kind == LIGHT else _point_in(org, rng)
                device, credential = device_create(
                    actor=SYSTEM,
                    organization=org,
                    profile=profiles[p.kind],
                    name=p.name,
                    serial=p.serial,
                    dev_eui=p.dev_eui,
                    lat=point.y,
                    lon=point.x,
                    asset_ref=p.asset_ref,
                )
                channel = "mqtt" if p.kind != GAUGE else ("tts" if p.serial == TTS_GAUGE else "chirpstack")
                credentials["devices"].append(
                    {
                        "org": org.slug,
                        "kind": p.kind,
                        "serial": p.serial,
                        "dev_eui": p.dev_eui,
                        "channel": channel,
                        "credential_id": device.credential_id,
                        "credential": credential,
                    }
                )
    _write_credentials(path, credentials)
    # The broker learns the new devices' passwords and topics (a running one re-reads its files).
    write_broker_config(broker_dir, reload=True)
    return len(credentials["devices"])
