"""Shared set-up of the alarm tests: a town with a works department and a street-light category (the cases
tests' town), an air station placed inside it, and readings sent through the one ingest service."""

import datetime as dt

from muang.core.access import SYSTEM
from muang.iot.alarms.services import alarm_rule_create
from muang.iot.services.ingest import ingest
from muang.iot.tests.factories import air_profile, device

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def station(org, profile=None, serial="AQ-001"):
    point = org.boundary.point_on_surface
    d, _credential = device(org, profile or air_profile(org), serial=serial, lat=point.y, lon=point.x)
    return d


def rule(org, profile, **kwargs):
    fields = {
        "alarm_type": "pm25_high",
        "label": "ฝุ่น PM2.5 เกินมาตรฐาน",
        "severity": "major",
        "kind": "threshold",
        "key": "pm25",
        "operator": "gt",
        "value": 37.5,
    }
    fields.update(kwargs)
    return alarm_rule_create(actor=SYSTEM, organization=org, profile=profile, **fields)


def report(d, at: dt.datetime, **values):
    """One reading at `at`, in telemetry keys (the air profile's payload calls pm25 "pm2_5")."""
    values = {("pm2_5" if k == "pm25" else k): v for k, v in values.items()}
    d.refresh_from_db()
    return ingest(
        organization=d.organization,
        device=d,
        payload={"ts": at.isoformat(), "values": values},
        channel="http",
        received_at=at,
        now=at,
    )
