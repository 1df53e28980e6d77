"""Wristband alerts: the per-person rules, one open alert per band and kind, the operator's answers (a second
operator is told who took it), the incident filled in from the alert, and escalation by timer rows: the next
person on call by SMS, the family on LINE (the recorded fake LINE server), surviving a restart."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from muang.core import outbox
from muang.core.access import Actor
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Duty, LineChannel, Notification, Role
from muang.core.tests.factories import member
from muang.ems.models import Alert, AlertKind, AlertStatus, AlertTimer, OnCall
from muang.ems.services import alerts
from muang.ems.services.wristbands import alerts_of_reading, on_telemetry
from muang.ems.tests.conftest import CHUMPHAE, DAUGHTER_LINE, NOW, make_band
from muang.iot.services.ingest import Reading
from muang.testing.line_server import start_fake_line

pytestmark = pytest.mark.django_db
HOME = Point(CHUMPHAE[1], CHUMPHAE[0], srid=4326)


@pytest.fixture
def operator(org) -> Actor:
    user = member(org, Role.OFFICER, duties=[Duty.CARE, Duty.EMERGENCY_MEDICAL])
    user.first_name, user.last_name = "วิไล", "ใจดี"
    user.save()
    return Actor(user=user)


def reading(band, at=NOW, **values):
    return Reading(band.device, at, {k: float(v) for k, v in values.items()})


def test_each_rule_of_the_person(org):
    square = Polygon.from_bbox((102.099, 16.539, 102.101, 16.541))
    band = make_band(org, heart_rate_min=50, heart_rate_max=110, geofence_radius_m=300, battery_low=15)

    def kinds(**v):
        point = Point(v.pop("lon", 102.1), v.pop("lat", 16.54), srid=4326)
        return {k for k, _v in alerts_of_reading(band, v, point)}

    assert kinds(heart_rate=72, batt=80) == set()
    assert kinds(heart_rate=130) == {AlertKind.HEART_RATE}
    assert kinds(heart_rate=40) == {AlertKind.HEART_RATE}
    assert kinds(heart_rate=0) == set()  # no skin contact: the band's own "removing" alarm says it
    assert kinds(batt=10) == {AlertKind.LOW_BATTERY}
    assert kinds(lat=16.55) == {AlertKind.GEOFENCE}  # about 1.1 km from home
    assert kinds(alarm_sos=1, alarm_removing=1) == {AlertKind.SOS, AlertKind.REMOVED}
    band.geofence = square
    assert kinds(lat=16.5405) == set() and kinds(lat=16.542) == {AlertKind.GEOFENCE}


def test_an_alert_is_written_with_its_timer_and_only_once_while_open(org, operator):
    band = make_band(org)
    on_telemetry(organization=org, readings=[reading(band, lat=16.54, lon=102.1, alarm_fall=1)], now=NOW)
    on_telemetry(
        organization=org, readings=[reading(band, NOW + dt.timedelta(seconds=5), alarm_fall=1)], now=NOW
    )
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.FALL and alert.status == AlertStatus.OPEN
    assert AlertTimer.objects.get(alert=alert).due_at == NOW + dt.timedelta(seconds=60)
    alerts.alert_close(actor=operator, alert=alert, reason="กดผิด", now=NOW)
    on_telemetry(
        organization=org, readings=[reading(band, NOW + dt.timedelta(seconds=9), alarm_fall=1)], now=NOW
    )
    assert Alert.objects.count() == 2  # closed: a new fall is a new alert


def test_a_second_operator_is_told_who_took_the_alert(org, operator):
    band = make_band(org)
    alert = alerts.alert_raise(wristband=band, kind=AlertKind.SOS, at=NOW, now=NOW)
    alerts.alert_acknowledge(actor=operator, alert=alert, now=NOW + dt.timedelta(seconds=20))
    other = Actor(user=member(org, Role.OFFICER, duties=[Duty.CARE]))
    with pytest.raises(Conflict) as e:
        alerts.alert_acknowledge(actor=other, alert=alert)
    assert "วิไล ใจดี" in e.value.detail and "02:00:20" in e.value.detail
    with pytest.raises(Conflict):
        alerts.alert_close(actor=other, alert=alert, reason="x")
    alerts.alert_acknowledge(actor=operator, alert=alert)  # the same operator again: nothing changes
    assert not AlertTimer.objects.filter(alert=alert, done_at=None).exists()  # taken: no escalation
    assert alerts.alert_timers_run(now=NOW + dt.timedelta(minutes=5)) == 0


def test_closing_needs_a_reason_and_writes_nothing_without_one(org, operator):
    alert = alerts.alert_raise(wristband=make_band(org), kind=AlertKind.REMOVED, at=NOW, now=NOW)
    with pytest.raises(InvalidInput) as e:
        alerts.alert_close(actor=operator, alert=alert, reason="  ")
    assert "reason" in e.value.field_errors
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    alerts.alert_close(actor=operator, alert=alert, reason="ถอดอาบน้ำ", false_alarm=True, now=NOW)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.FALSE_ALARM and alert.close_reason == "ถอดอาบน้ำ"
    assert AuditEntry.objects.filter(object_type="ems.Alert", reason="ถอดอาบน้ำ").exists()


def test_an_alert_becomes_an_incident_with_everything_filled_in(org, operator):
    band = make_band(org)
    alert = alerts.alert_raise(
        wristband=band, kind=AlertKind.FALL, at=NOW, location=Point(102.101, 16.541, srid=4326), now=NOW
    )
    incident = alerts.alert_to_incident(
        actor=operator, alert=alert, criterion="24-red-1", now=NOW + dt.timedelta(seconds=40)
    )
    assert incident.dispatch_code == "24 แดง 1" and incident.colour == "red"
    assert incident.call_received_at == NOW and incident.source_ref == f"ems.alert:{alert.pk}"
    assert incident.patient_name == band.person.display_name and incident.patient_age == 82
    assert "IMEI0001" in incident.caller_name and incident.caller_phone == "0812345678"
    assert round(incident.location.y, 3) == 16.541 and incident.address == "12 หมู่ 3"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.INCIDENT and alert.incident == incident
    with pytest.raises(Conflict):
        alerts.alert_to_incident(actor=operator, alert=alert, criterion="24-red-1")
    carer_only = Actor(user=member(org, Role.OFFICER, duties=[Duty.CARE]))
    second = alerts.alert_raise(wristband=band, kind=AlertKind.SOS, at=NOW, now=NOW)
    from muang.core.errors import AccessDenied

    with pytest.raises(AccessDenied):  # the care duty alone sends no ambulance
        alerts.alert_to_incident(actor=carer_only, alert=second, criterion="16-yellow-1")


@pytest.fixture
def line(settings):
    state, server = start_fake_line()
    settings.MUANG_LINE_API_BASE = state.url
    yield state
    server.shutdown()


def test_not_taken_in_60_seconds_it_escalates_and_the_daughter_gets_a_line_message(org, line):
    LineChannel.objects.create(
        organization=org, channel_id="2000000001", channel_secret="s" * 32, access_token="t"
    )
    OnCall.objects.create(organization=org, position=1, name="หัวหน้าเวร ประเสริฐ", phone="0811111111")
    OnCall.objects.create(organization=org, position=2, name="ผอ. กองสาธารณสุข", phone="0822222222")
    alert = alerts.alert_raise(wristband=make_band(org), kind=AlertKind.FALL, at=NOW, now=NOW)
    assert alerts.alert_timers_run(now=NOW + dt.timedelta(seconds=59)) == 0
    # A restart of every process: the timer is a row, so a fresh call (any worker, later) finds it due.
    assert alerts.alert_timers_run(now=NOW + dt.timedelta(seconds=61)) == 1
    alert.refresh_from_db()
    assert alert.escalation == 1 and alert.status == AlertStatus.OPEN
    sms = Notification.objects.get(channel=Notification.Channel.SMS)
    assert sms.recipient == "0811111111" and "หกล้ม" in sms.messages[0]["text"]
    family = Notification.objects.get(channel=Notification.Channel.LINE_PUSH)
    assert family.recipient == DAUGHTER_LINE and "02:00" in family.messages[0]["text"]
    assert (
        outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1), sms_adapter_for=lambda: None)["sent"]
        == 1
    )
    pushed = line.requests[-1]
    assert pushed.path == "/v2/bot/message/push" and pushed.body["to"] == DAUGHTER_LINE
    # Another minute: the second person on call; the family is not told twice.
    assert alerts.alert_timers_run(now=NOW + dt.timedelta(seconds=125)) == 1
    alert.refresh_from_db()
    assert alert.escalation == 2
    assert Notification.objects.filter(channel=Notification.Channel.SMS).count() == 2
    assert Notification.objects.filter(channel=Notification.Channel.LINE_PUSH).count() == 1
    events = list(alert.events.values_list("kind", "note"))
    assert ("escalated", "หัวหน้าเวร ประเสริฐ") in events and ("family_told", "สมศรี") in events


def test_no_movement_in_the_daytime_only_and_once_per_stillness(org):
    band = make_band(org, still_hours=3)
    on_telemetry(organization=org, readings=[reading(band, NOW, lat=16.54, lon=102.1)], now=NOW)
    night = NOW + dt.timedelta(hours=4)  # 06:00 in Bangkok
    assert alerts.alerts_check_stillness(now=night) == 0
    day = NOW + dt.timedelta(hours=8)  # 10:00
    assert alerts.alerts_check_stillness(now=day) == 1
    Alert.objects.update(status=AlertStatus.HANDLED)
    assert alerts.alerts_check_stillness(now=day + dt.timedelta(minutes=1)) == 0  # not again until it moves
    moved = day + dt.timedelta(minutes=2)
    on_telemetry(organization=org, readings=[reading(band, moved, lat=16.545, lon=102.1)], now=moved)
    assert alerts.alerts_check_stillness(now=moved + dt.timedelta(hours=2)) == 0
    assert alerts.alerts_check_stillness(now=moved + dt.timedelta(hours=3, minutes=1)) == 1


def test_a_band_speaking_mqtt_raises_its_alert_through_the_iot_core(org):
    """The MQTT consumer hands each message to the same ingest path; the band's profile reads Traccar's alarms."""
    from muang.iot.services.ingest import Message, ingest_batch

    band = make_band(org, heart_rate_max=110)
    payload = {"ts": NOW.isoformat(), "id": "m-1", "values": {"lat": 16.54, "lon": 102.1, "heart_rate": 134}}
    (outcome,) = ingest_batch(
        organization=org, messages=[Message(band.device, payload, NOW, channel="mqtt")], now=NOW
    )
    assert outcome.status == "stored"
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.HEART_RATE and alert.value == 134
