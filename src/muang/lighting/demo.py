"""The lighting demo (deterministic, once): 1,500 street-light poles in ทต.โนนสะอาด (nonsaat), on 30 circuits of 50
poles along streets, in three groups; the 50 light controllers of the iot demo sit on the first 50 poles (two
circuits), the rest have no controller yet (as in most towns); each group dims by the same night plan, and the
tariff is the default PEA figure (`muang.lighting.energy.DEFAULT_TARIFF`). Loaded through the import service, from a CSV
built here, so the demo is checked like a file staff upload."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random

from django.contrib.gis.geos import Point

from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.iot.demo import SEED as SIM_SEED
from muang.iot.models import Device
from muang.iot.simulator import lamp_rated_watts
from muang.lighting.energy import DEFAULT_TARIFF
from muang.lighting.models import Pole, PoleGroup, Tariff
from muang.lighting.services.poles import COLUMNS, poles_import
from muang.lighting.services.schedules import schedule_set

ORG = "nonsaat"
POLES = 1500
PER_CIRCUIT = 50
SPACING_DEG = 0.0003  # about 33 m between poles
SEED = 2569
GROUPS = ("ถนนสายหลัก", "ถนนในชุมชน", "ซอยย่อย")
# Every group: full light at sunset, half after midnight, off at sunrise.
NIGHT_PLAN = [
    {"anchor": "sunset", "offset_minutes": 0, "dim_level": 100},
    {"anchor": "fixed", "at": "00:00", "dim_level": 50},
    {"anchor": "sunrise", "offset_minutes": 0, "dim_level": 0},
]


def _streets(organization: Organization, rng: random.Random):
    """Start points and directions of straight streets inside the boundary."""
    xmin, ymin, xmax, ymax = organization.boundary.extent
    while True:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        angle = rng.uniform(0, math.pi)
        yield x, y, math.cos(angle), math.sin(angle)


def demo_rows(organization: Organization) -> list[list]:
    rng = random.Random(f"{SEED}:lighting")  # noqa: S311 (demo data, deliberately reproducible)
    controllers = {
        d.asset_ref.removeprefix("เสา ").strip(): d.serial
        for d in Device.objects.filter(organization=organization, asset_ref__startswith="เสา ")
    }
    located = {
        d.serial: d.location for d in Device.objects.filter(organization=organization, location__isnull=False)
    }
    boundary = organization.boundary
    rows: list[list] = []
    streets = _streets(organization, rng)
    while len(rows) < POLES:
        x, y, dx, dy = next(streets)
        circuit_no = len(rows) // PER_CIRCUIT + 1
        for i in range(PER_CIRCUIT):
            n = len(rows) + 1
            code = f"NS-{n:04d}"
            serial = controllers.get(code, "")
            if serial and located.get(serial) is not None:
                lon, lat = located[serial].x, located[serial].y  # the controller's own place
            else:
                lon, lat = x + dx * SPACING_DEG * i, y + dy * SPACING_DEG * i
                if not boundary.contains(Point(lon, lat, srid=boundary.srid)):
                    break  # the street left the town: start another
            rated = lamp_rated_watts(serial, seed=SIM_SEED) if serial else rng.choice((60, 90, 120, 150))
            rows.append(
                [
                    code,
                    round(lat, 6),
                    round(lon, 6),
                    "led" if serial or rng.random() < 0.7 else "hps",
                    rated,
                    rng.choice((6, 8, 9, 10, 12)),
                    f"C-{circuit_no:02d}",
                    f"ตู้ควบคุม {circuit_no:02d}",
                    GROUPS[circuit_no % len(GROUPS)],
                    f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-01",
                    "",
                    serial,
                ]
            )
            if len(rows) >= POLES:
                break
    return rows


def load_demo_lighting() -> int:
    organization = Organization.objects.filter(slug=ORG).first()
    if organization is None or organization.boundary is None:
        return 0
    if Pole.objects.filter(organization=organization).exists():
        return 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(demo_rows(organization))
    report = poles_import(
        actor=SYSTEM,
        organization=organization,
        data=out.getvalue().encode(),
        filename="demo-poles.csv",
        dry_run=False,
        skip_rejected=True,
    )
    Tariff.objects.get_or_create(
        organization=organization,
        effective_from=dt.date(2025, 1, 1),
        defaults={"baht_per_kwh": DEFAULT_TARIFF, "source": "PEA 6.1.3 + Ft ม.ค.–เม.ย. 2568 (ค่าเริ่มต้น)"},
    )
    for group in PoleGroup.objects.filter(organization=organization).order_by("pk"):
        schedule_set(actor=SYSTEM, organization=organization, group=group, steps=NIGHT_PLAN)
    return report.imported
