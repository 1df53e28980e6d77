"""A town (the cases tests' town: works department with the street-light category, made the engineering duty's)
with light controllers (the iot demo's profile) on poles, and readings sent through the one ingest service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import Point

from muang.cases.tests.conftest import Town, make_town
from muang.core.access import SYSTEM
from muang.core.geo import SRID
from muang.core.models import Duty
from muang.iot.demo import LIGHT, PROFILES
from muang.iot.services.devices import device_create, device_profile_create
from muang.iot.services.ingest import ingest
from muang.lighting.models import Pole
from muang.lighting.services.poles import pole_create

# 2 March 2026 in Bangkok: sunset about 18:20, sunrise about 06:25 in Khon Kaen province.
NIGHT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # 22:00 Bangkok
DAY = dt.datetime(2026, 3, 3, 5, 0, tzinfo=dt.UTC)  # 12:00 Bangkok
MIN = dt.timedelta(minutes=1)
STEP_DEG = 0.0003  # ~33 m between poles


@dataclass
class LitTown:
    town: Town
    profile: object
    origin: Point

    @property
    def org(self):
        return self.town.org


def lit_town() -> LitTown:
    town = make_town()
    town.works.duties = [Duty.ENGINEERING]
    town.works.save(update_fields=["duties"])
    profile = device_profile_create(actor=SYSTEM, organization=town.org, **PROFILES[LIGHT])
    return LitTown(town, profile, town.org.boundary.point_on_surface)


def place(lt: LitTown, i: int) -> Point:
    return Point(lt.origin.x + STEP_DEG * i, lt.origin.y, srid=SRID)


def pole(lt: LitTown, i: int, *, rated: int = 100, circuit: str = "C-01", controller: bool = True) -> Pole:
    device = None
    p = place(lt, i)
    if controller:
        device, _credential = device_create(
            actor=SYSTEM,
            organization=lt.org,
            profile=lt.profile,
            name=f"ไฟถนน {i}",
            serial=f"SL-{i:04d}",
            lat=p.y,
            lon=p.x,
        )
    return pole_create(
        actor=SYSTEM,
        organization=lt.org,
        code=f"P-{i:04d}",
        lat=p.y,
        lon=p.x,
        rated_watts=rated,
        circuit=circuit,
        device=device,
    )


def report(p: Pole, at: dt.datetime, **values):
    """One controller reading at `at`: on, dim, power_w, energy_kwh, lamp_failure."""
    device = p.device
    device.refresh_from_db()
    return ingest(
        organization=p.organization,
        device=device,
        payload={"ts": at.isoformat(), "values": values},
        channel="http",
        received_at=at,
        now=at,
    )


def lit(p: Pole, at: dt.datetime, dim: int = 100, **extra):
    values = {"on": True, "dim": dim, "power_w": p.rated_watts * dim / 100, "lamp_failure": False}
    return report(p, at, **(values | extra))


def dark(p: Pole, at: dt.datetime, **extra):
    return report(p, at, **({"on": False, "dim": 0, "power_w": 0.0, "lamp_failure": False} | extra))
