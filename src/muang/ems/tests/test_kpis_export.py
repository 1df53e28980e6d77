import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from muang.core.access import SYSTEM
from muang.ems import kpis, selectors
from muang.ems.models import Step
from muang.ems.services.incidents import incident_dispatch, incident_stamp
from muang.ems.tests.conftest import NOW, make_incident, make_unit

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)


def _reach(org, unit, minutes: int, criterion: str = "6-red-1", start=NOW):
    incident = make_incident(org, criterion=criterion, received_at=start, now=start)
    incident = incident_dispatch(actor=SYSTEM, incident=incident, unit=unit, at=start + M, now=start + M)
    incident = incident_stamp(actor=SYSTEM, incident=incident, step=Step.ROLLING, at=start + M, now=start + M)
    at = start + minutes * M
    incident = incident_stamp(actor=SYSTEM, incident=incident, step=Step.AT_SCENE, at=at, now=at)
    return incident_stamp(actor=SYSTEM, incident=incident, step=Step.BACK_AT_BASE, at=at + M, now=at + M)


def test_red_within_8_minutes_and_the_response_time(org):
    unit = make_unit(org, "A1", 16.54, 102.1)
    _reach(org, unit, 7)
    _reach(org, unit, 10, start=NOW + dt.timedelta(hours=1))
    _reach(org, unit, 4, criterion="24-green-1", start=NOW + dt.timedelta(hours=2))
    day = dt.date(2026, 3, 3)  # 2 a.m. Bangkok on 3 March
    assert kpis.red_within_8_minutes(organization=org, start=day, end=day) == Decimal("50.0")
    assert kpis.response_minutes(organization=org, start=day, end=day) == Decimal("7.0")
    other = dt.date(2026, 4, 1)
    assert kpis.red_within_8_minutes(organization=org, start=other, end=other) is None


def test_the_csv_has_every_timestamp_in_bangkok_and_no_names(org):
    unit = make_unit(org, "A1", 16.54, 102.1)
    _reach(org, unit, 7)
    text = selectors.incidents_csv(
        actor=SYSTEM, organization=org, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["dispatch_code"] == "6 แดง 1" and row["unit"] == "A1" and row["response_seconds"] == "420"
    assert row["call_received_at"] == "2026-03-03T02:00:00+07:00"
    assert row["at_scene_at"] == "2026-03-03T02:07:00+07:00" and row["at_hospital_at"] == ""
    assert "บุญมี" not in text and "0812345678" not in text


def test_per_unit_and_month(org):
    a, b = make_unit(org, "A1", 16.54, 102.1), make_unit(org, "B1", 16.55, 102.1)
    _reach(org, a, 7)
    _reach(org, b, 10, start=NOW + dt.timedelta(hours=1))
    _reach(org, a, 5, start=NOW + dt.timedelta(days=30))
    rows = kpis.monthly_by_unit(organization=org, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    assert [(r["month"], r["unit"], r["reached"], r["red_within_8_minutes"]) for r in rows] == [
        (dt.date(2026, 3, 1), "A1", 1, 1),
        (dt.date(2026, 3, 1), "B1", 1, 0),
        (dt.date(2026, 4, 1), "A1", 1, 1),
    ]
    assert rows[1]["response_minutes"] == Decimal("10.0")
