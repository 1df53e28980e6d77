"""Rules raise and clear alarms from what devices report: a threshold held for a duration, one open alarm per
(device, type) however often it fires, severity moves, state rules, silence."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from muang.core.tests.factories import OrganizationFactory
from muang.iot.alarms.services import alarms_evaluate_silence
from muang.iot.models import Alarm, AlarmEvent, AlarmPending
from muang.iot.tests.alarm_helpers import NOW, report, rule, station
from muang.iot.tests.factories import air_profile

pytestmark = pytest.mark.usefixtures("areas")
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def air(org):
    return station(org)


def events(alarm):
    return list(AlarmEvent.objects.filter(alarm=alarm).values_list("kind", flat=True))


def test_a_threshold_held_for_ten_minutes_raises_an_alarm_only_after_ten_minutes(org, air):
    rule(org, air.profile, duration_seconds=600)
    report(air, NOW, pm25=40.0)
    report(air, NOW + 5 * MIN, pm25=45.0)
    report(air, NOW + 9 * MIN, pm25=41.0)
    assert not Alarm.objects.exists()
    assert AlarmPending.objects.get().since == NOW
    report(air, NOW + 10 * MIN, pm25=42.0)
    alarm = Alarm.objects.get()
    assert (alarm.alarm_type, alarm.severity, alarm.status) == ("pm25_high", "major", "active_unack")
    assert alarm.started_at == NOW + 10 * MIN
    assert alarm.details["value"] == 42.0 and alarm.details["condition"] == "pm25 > 37.5"
    assert events(alarm) == ["created"]


def test_a_break_in_the_condition_restarts_the_duration(org, air):
    rule(org, air.profile, duration_seconds=600)
    report(air, NOW, pm25=40.0)
    report(air, NOW + 5 * MIN, pm25=20.0)  # back inside: the clock restarts
    report(air, NOW + 10 * MIN, pm25=40.0)
    report(air, NOW + 15 * MIN, pm25=40.0)
    assert not Alarm.objects.exists()
    report(air, NOW + 20 * MIN, pm25=40.0)
    assert Alarm.objects.get().started_at == NOW + 20 * MIN


def test_a_rule_firing_again_and_again_keeps_one_open_alarm(org, air):
    rule(org, air.profile)  # immediate
    for i in range(5):
        report(air, NOW + i * MIN, pm25=50.0 + i)
    alarm = Alarm.objects.get()
    assert alarm.started_at == NOW and alarm.ended_at == NOW + 4 * MIN
    assert alarm.details["value"] == 54.0
    assert events(alarm) == ["created"]


def test_the_database_refuses_a_second_open_alarm_of_a_type(org, air):
    rule(org, air.profile)
    report(air, NOW, pm25=50.0)
    first = Alarm.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm.objects.create(
            organization=org,
            device=air,
            alarm_type=first.alarm_type,
            label="x",
            severity="minor",
            started_at=NOW,
            ended_at=NOW,
        )


def test_severity_moves_with_the_most_severe_rule_that_holds_and_the_alarm_clears_when_back_inside(org, air):
    rule(org, air.profile)  # > 37.5 major
    rule(org, air.profile, severity="critical", value=75.0)
    report(air, NOW, pm25=50.0)
    report(air, NOW + MIN, pm25=80.0)
    alarm = Alarm.objects.get()
    assert alarm.severity == "critical"
    report(air, NOW + 2 * MIN, pm25=60.0)
    alarm.refresh_from_db()
    assert alarm.severity == "major" and alarm.cleared_at is None
    report(air, NOW + 3 * MIN, pm10=10.0)  # another key says nothing about pm25
    alarm.refresh_from_db()
    assert alarm.cleared_at is None
    report(air, NOW + 4 * MIN, pm25=20.0)
    alarm.refresh_from_db()
    assert alarm.status == "cleared_unack" and alarm.cleared_at == NOW + 4 * MIN
    assert events(alarm) == ["created", "severity_changed", "severity_changed", "cleared"]
    changes = AlarmEvent.objects.filter(alarm=alarm, kind="severity_changed").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in changes] == [("major", "critical"), ("critical", "major")]
    report(air, NOW + 5 * MIN, pm25=45.0)  # a new episode is a new alarm
    assert Alarm.objects.filter(cleared_at__isnull=True).exclude(pk=alarm.pk).count() == 1


def test_a_state_rule_fires_at_once_and_clears_on_the_normal_value(org, air):
    rule(
        org,
        air.profile,
        alarm_type="offline",
        label="ออฟไลน์",
        kind="state",
        key="online",
        operator="eq",
        value=0,
    )
    report(air, NOW, online=False)
    alarm = Alarm.objects.get()
    assert alarm.alarm_type == "offline" and alarm.cleared_at is None
    report(air, NOW + MIN, online=True)
    alarm.refresh_from_db()
    assert alarm.cleared_at == NOW + MIN


def test_readings_of_one_batch_are_taken_in_time_order(org, air):
    from muang.iot.services.ingest import Message, ingest_batch

    rule(org, air.profile, duration_seconds=600)
    air.refresh_from_db()
    messages = [
        Message(air, {"ts": (NOW + m * MIN).isoformat(), "values": {"pm2_5": 40.0}}, NOW + 11 * MIN)
        for m in (10, 0, 5)
    ]
    ingest_batch(organization=org, messages=messages, now=NOW + 11 * MIN)
    assert Alarm.objects.get().started_at == NOW + 10 * MIN


def test_silence_for_n_intervals_raises_an_alarm_and_a_report_clears_it(org, air):
    rule(
        org,
        air.profile,
        alarm_type="silent",
        label="ไม่รายงาน",
        kind="silence",
        key="",
        operator="",
        value=None,
        silence_intervals=2,
    )
    report(air, NOW, pm10=5.0)
    assert alarms_evaluate_silence(now=NOW + 599 * dt.timedelta(seconds=1)) == 0
    assert alarms_evaluate_silence(now=NOW + 601 * dt.timedelta(seconds=1)) == 1
    assert alarms_evaluate_silence(now=NOW + 700 * dt.timedelta(seconds=1)) == 0  # already in alarm
    alarm = Alarm.objects.get()
    assert alarm.alarm_type == "silent" and alarm.details["last_seen"] == NOW.isoformat()
    report(air, NOW + 20 * MIN, pm10=6.0)
    alarm.refresh_from_db()
    assert alarm.cleared_at == NOW + 20 * MIN
    assert events(alarm) == ["created", "cleared"]


def test_the_silence_task_moves_a_longer_silence_to_the_more_severe_rule(org, air):
    common = {
        "alarm_type": "silent",
        "label": "ไม่รายงาน",
        "kind": "silence",
        "key": "",
        "operator": "",
        "value": None,
    }
    rule(org, air.profile, severity="minor", silence_intervals=2, **common)
    rule(org, air.profile, severity="critical", silence_intervals=12, **common)
    report(air, NOW, pm10=5.0)
    alarms_evaluate_silence(now=NOW + 11 * MIN)
    assert Alarm.objects.get().severity == "minor"
    alarms_evaluate_silence(now=NOW + 61 * MIN)
    assert Alarm.objects.get().severity == "critical"
    assert alarms_evaluate_silence(now=NOW + 62 * MIN) == 0


def test_rules_of_one_organisation_leave_another_alone(org, air):
    rule(org, air.profile)
    other = OrganizationFactory()
    other_air = station(other, air_profile(other), serial="AQ-001")
    report(other_air, NOW, pm25=99.0)
    assert not Alarm.objects.exists()


def test_the_periodic_silence_task_raises_the_silence_rules_alarms(org, air):
    from django.utils import timezone

    from muang.iot import tasks
    from muang.iot.models import Device

    rule(
        org,
        air.profile,
        alarm_type="silent",
        label="ไม่รายงาน",
        kind="silence",
        key="",
        operator="",
        value=None,
        silence_intervals=2,
    )
    # An hour without a report, against the real clock the task reads: far past 2 × 5 minutes.
    Device.objects.filter(pk=air.pk, organization=org).update(
        last_seen=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks.mark_silent_devices.call() == 1  # the device turned silent...
    assert Alarm.objects.get(device=air).alarm_type == "silent"  # ...and its rule raised the alarm


def test_a_late_delivery_says_nothing_about_now(org, air):
    rule(org, air.profile)
    report(air, NOW, pm25=50.0)
    report(air, NOW + 10 * MIN, pm25=10.0)
    alarm = Alarm.objects.get()
    assert alarm.cleared_at == NOW + 10 * MIN
    report(air, NOW + 5 * MIN, pm25=60.0)  # buffered on the device, delivered late
    assert Alarm.objects.get().pk == alarm.pk  # no new alarm from a reading older than the latest


def test_a_failing_evaluation_keeps_the_readings_and_the_outcome(org, air, monkeypatch, caplog):
    from muang.iot.alarms import services
    from muang.iot.models import Telemetry

    def broken(**kwargs):
        raise RuntimeError("evaluation bug")

    rule(org, air.profile)
    monkeypatch.setattr(services, "alarms_evaluate", broken)
    outcome = report(air, NOW, pm25=50.0)
    assert outcome.status == "stored"
    assert Telemetry.objects.filter(organization_id=org.pk, device_id=air.pk).count() == 1
    assert "telemetry listener alarms failed" in caplog.text
    monkeypatch.undo()
    report(air, NOW + MIN, pm25=51.0)  # the next reading evaluates again
    assert Alarm.objects.get().started_at == NOW + MIN
