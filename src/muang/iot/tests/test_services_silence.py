"""A device that misses three reports turns silent; its next report makes it active again."""

import datetime as dt

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import Device
from muang.iot.services.devices import devices_mark_silent
from muang.iot.services.ingest import ingest
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.usefixtures("areas")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_three_missed_reports_make_a_device_silent_and_a_report_wakes_it():
    org = OrganizationFactory()
    air, _ = device(org, air_profile(org))  # reports every 300 s
    retired, _ = device(org, air.profile, serial="AQ-OLD")
    Device.objects.filter(pk=retired.pk).update(state=Device.State.RETIRED)
    ingest(
        organization=org,
        device=air,
        payload={"values": {"pm10": 1}},
        channel="http",
        received_at=NOW,
        now=NOW,
    )
    assert devices_mark_silent(now=NOW + dt.timedelta(seconds=899)) == 0
    assert devices_mark_silent(now=NOW + dt.timedelta(seconds=901)) == 1
    assert devices_mark_silent(now=NOW + dt.timedelta(seconds=902)) == 0  # once
    assert Device.objects.get(pk=air.pk).state == Device.State.SILENT
    assert Device.objects.get(pk=retired.pk).state == Device.State.RETIRED
    later = NOW + dt.timedelta(hours=1)
    air.refresh_from_db()
    ingest(
        organization=org,
        device=air,
        payload={"values": {"pm10": 2}},
        channel="http",
        received_at=later,
        now=later,
    )
    assert Device.objects.get(pk=air.pk).state == Device.State.ACTIVE
