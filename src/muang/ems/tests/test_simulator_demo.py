"""The demo's wristbands and trackers, and the OsmAnd simulator: reproducible, and what it sends is stored."""

import datetime as dt

import pytest
from django.test import Client

from muang.care.services.people import person_create
from muang.care.tests.helpers import TODAY, person_data
from muang.core.access import SYSTEM
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory
from muang.ems import clock
from muang.ems.demo import load_demo_ems, load_demo_wristbands
from muang.ems.models import Alert, OnCall, Unit, Wristband
from muang.ems.simulator import SimTracker, band_report, unit_report
from muang.ems.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_band_stays_near_home_and_the_simulation_is_reproducible():
    band = SimTracker("86000", (16.54, 102.10))
    night = band_report(band, NOW, seed=1)  # 02:00
    assert night == band_report(band, NOW, seed=1)
    assert abs(float(night["lat"]) - 16.54) < 0.0001 and int(night["heartRate"]) < 70
    alarms = [
        band_report(SimTracker(f"86{i}", (16.54, 102.1)), NOW, seed=1).get("alarm") for i in range(20000)
    ]
    assert 2 <= alarms.count("fallDown") <= 12 and 4 <= alarms.count("sos") <= 20
    unit = SimTracker("AMB1", (16.53, 102.09), (16.54, 102.10), band=False)
    there = unit_report(unit, NOW + dt.timedelta(minutes=10), started=NOW, seed=1)
    assert (float(there["lat"]), float(there["lon"])) == (16.54, 102.1) and float(there["speed"]) == 0


def test_the_demo_bands_and_trackers_load_once_and_report_over_osmand(areas, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    org = OrganizationFactory(slug="chumphae", boundary=None)
    DepartmentFactory(organization=org, code="palad", duties=[])
    load_demo_ems(incidents=2, network_size=8)
    for n in range(1, 4):
        person_create(actor=SYSTEM, organization=org, today=TODAY, **person_data(n))
    assert load_demo_wristbands(bands=3) == 3
    assert load_demo_wristbands(bands=3) == 0
    assert OnCall.objects.filter(organization=org).count() == 3
    assert Unit.objects.filter(organization=org, device__isnull=False).count() == 5
    client = Client()
    for band in Wristband.objects.select_related("device", "person"):
        tracker = SimTracker(band.device.serial, (band.person.location.y, band.person.location.x))
        params = band_report(tracker, NOW, seed=1) | {"alarm": "sos"}
        assert client.get(f"/osmand/{org.slug}", params).status_code == 200
    assert Alert.objects.filter(kind="sos").count() == 3


def test_simulated_batteries_are_charged_daily_and_a_few_run_low():
    """The demo board shows the odd "battery low", not one band in six at once (which buried the falls)."""
    import datetime as dt

    from muang.ems.simulator import _battery

    start = dt.datetime(2026, 12, 6, 0, 0, tzinfo=dt.UTC)
    low_counts = []
    for hour in range(48):
        levels = [_battery(f"BAND{i:03d}", start + dt.timedelta(hours=hour), seed=13) for i in range(200)]
        assert all(5 <= level <= 100 for level in levels)
        low_counts.append(sum(level < 20 for level in levels))
    assert max(low_counts) <= 10 and sum(low_counts) > 0
