"""Telemetry history in date_bin buckets, only the organisation's own device, clamped to its retention."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, InvalidInput, NotFound
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.iot import selectors
from muang.iot.services.ingest import Message, ingest_batch
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.usefixtures("areas")


def test_history_is_bucketed_with_date_bin():
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    org = OrganizationFactory()
    air, _ = device(org, air_profile(org))
    start = now - dt.timedelta(hours=3)
    messages = [
        Message(air, {"ts": (start + dt.timedelta(minutes=10 * i)).isoformat(), "values": {"pm2_5": i}}, now)
        for i in range(18)  # three hours, one reading every 10 minutes
    ]
    assert all(o.status == "stored" for o in ingest_batch(organization=org, messages=messages, now=now))
    rows = selectors.telemetry_history(
        actor=SYSTEM, device=air, key="pm25", start=start, end=now, bucket="1h"
    )
    assert [(r["time"], r["count"], r["min"], r["max"], r["avg"]) for r in rows] == [
        (start, 6, 0, 5, 2.5),
        (start + dt.timedelta(hours=1), 6, 6, 11, 8.5),
        (start + dt.timedelta(hours=2), 6, 12, 17, 14.5),
    ]
    day = selectors.telemetry_history(
        actor=SYSTEM, device=air, key="pm25", start=now - dt.timedelta(days=2), end=now, bucket="1d"
    )
    assert sum(r["count"] for r in day) == 18
    assert all(
        r["time"].astimezone(dt.timezone(dt.timedelta(hours=7))).hour == 0 for r in day
    )  # Bangkok days
    with pytest.raises(InvalidInput):
        selectors.telemetry_history(actor=SYSTEM, device=air, key="co2", start=start, end=now)
    with pytest.raises(InvalidInput):
        selectors.telemetry_history(actor=SYSTEM, device=air, key="pm25", start=now - dt.timedelta(days=30), end=now, bucket="1m")  # fmt: skip


def test_only_the_engineering_duty_reads_devices_and_another_organisations_device_is_not_found():
    org, other = OrganizationFactory(), OrganizationFactory()
    air, _ = device(org, air_profile(org))
    engineer = Actor(user=member(org, Role.OFFICER, duties=[Duty.ENGINEERING]))
    clerk = Actor(user=member(org, Role.OFFICER, duties=[Duty.FINANCE]))
    assert selectors.get_device_for(actor=engineer, organization=org, device_id=air.pk) == air
    with pytest.raises(AccessDenied):
        selectors.devices_of(actor=clerk, organization=org)
    with pytest.raises(NotFound):
        selectors.get_device_for(actor=SYSTEM, organization=other, device_id=air.pk)
