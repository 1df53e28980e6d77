"""An organisation with an air station and a river gauge (iot devices with their environment records), and a
helper that stores readings through the iot ingest (which calls the environment's telemetry listener)."""

import base64
import datetime as dt
import struct
from types import SimpleNamespace

import pytest

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.environment.services import station_create
from muang.iot.services.ingest import ingest
from muang.iot.tests.factories import air_profile, device, gauge_profile

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def committed_telemetry():
    """For a transactional test: the telemetry it commits, and the monthly partitions its ingest creates, are
    removed afterwards (neither is a model table the flush empties), so later tests see the database as before."""
    from django.db import connection

    from muang.iot.services.partitions import existing_partitions

    before = set(existing_partitions())
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM iot_telemetry")
        for name in sorted(set(existing_partitions()) - before):
            cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_city(slug: str | None = None, *, lon: float = 102.10, lat: float = 16.54) -> SimpleNamespace:
    org = OrganizationFactory(**({"slug": slug} if slug else {}))
    air, _c = device(org, air_profile(org), serial="AQ-01", lat=lat, lon=lon)
    far_air, _c = device(org, air_profile(org, name="air 2"), serial="AQ-02", lat=lat + 0.1, lon=lon)
    gauge, _c = device(org, gauge_profile(org), serial="GAUGE-01", lat=lat + 0.01, lon=lon + 0.01)
    return SimpleNamespace(
        org=org,
        air_device=air,
        far_device=far_air,
        gauge_device=gauge,
        air=station_create(
            actor=SYSTEM,
            organization=org,
            device_id=air.pk,
            kind="air",
            name="สถานีอากาศ ตลาดสด",
            hysteresis=2.0,
        ),
        far=station_create(
            actor=SYSTEM,
            organization=org,
            device_id=far_air.pk,
            kind="air",
            name="สถานีอากาศ วัด",
            hysteresis=2.0,
        ),
        gauge=station_create(
            actor=SYSTEM,
            organization=org,
            device_id=gauge.pk,
            kind="water",
            name="ระดับน้ำ ลำน้ำเชิญ",
            bank_level=4.8,
            alert_level=3.5,
            danger_level=4.5,
            rise_alert=0.5,
            hysteresis=0.1,
        ),
    )


@pytest.fixture
def city(areas):
    return make_city()


def pm(city_or_device, value: float, at: dt.datetime, pm10: float | None = None) -> None:
    """One air reading at `at`, stored through the ingest (and so heard by the listener)."""
    d = getattr(city_or_device, "air_device", city_or_device)
    values = {"pm2_5": value, **({"pm10": pm10} if pm10 is not None else {})}
    ingest(
        organization=d.organization,
        device=d,
        payload={"ts": at.isoformat(), "values": values},
        channel="http",
        received_at=at,
        now=at,
    )


def water(city, level: float, at: dt.datetime) -> None:
    d = city.gauge_device
    frame = struct.pack(">hB", round(level * 100), 90) + struct.pack("<f", 25.0)
    ingest(
        organization=d.organization,
        device=d,
        payload={"ts": at.isoformat(), "data": base64.b64encode(frame).decode()},
        channel="http",
        received_at=at,
        now=at,
    )
