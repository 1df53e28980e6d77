import datetime as dt

import pytest

from muang.core.access import SYSTEM, Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member
from muang.ems import cbd
from muang.ems.models import Incident, Step, Unit
from muang.ems.services.incidents import incident_create, incident_dispatch, incident_stamp
from muang.ems.tests.conftest import NOW, make_incident, make_unit

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)


def test_the_cbd_table_has_25_groups_and_codes_read_group_colour_number():
    assert [g.number for g in cbd.GROUPS] == list(range(1, 26))
    assert all(g.criteria for g in cbd.GROUPS)
    assert cbd.criterion("6-red-1").code == "6 แดง 1"
    assert cbd.criterion("2-yellow-1").code == "2 เหลือง 1"
    assert cbd.criterion("99-red-1") is None


def test_the_call_taker_opens_a_red_incident_with_its_dispatch_code(org, dispatcher):
    incident = incident_create(
        actor=dispatcher,
        organization=org,
        caller_name="สมศรี",
        caller_phone="0812345678",
        lat=16.54,
        lon=102.10,
        criterion="24-red-1",
        now=NOW,
    )
    assert (incident.dispatch_code, incident.colour, incident.cbd_group) == ("24 แดง 1", "red", 24)
    assert incident.step == Step.RECEIVED and incident.call_received_at == NOW
    assert AuditEntry.objects.filter(object_type="ems.Incident", object_id=str(incident.pk)).exists()


def test_an_incident_without_a_place_or_criterion_is_refused_naming_the_fields(org, dispatcher):
    with pytest.raises(InvalidInput) as e:
        incident_create(
            actor=dispatcher,
            organization=org,
            caller_name="",
            caller_phone="081",
            lat=None,
            lon=None,
            criterion="nope",
            now=NOW,
        )
    assert {"caller_name", "location", "criterion"} <= set(e.value.field_errors)
    with pytest.raises(InvalidInput) as e:
        make_incident(org, lat=51.5, lon=0.0)  # London is not on the map
    assert "location" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        make_incident(org, received_at=NOW + dt.timedelta(hours=1))
    assert "received_at" in e.value.field_errors
    assert not Incident.objects.exists()


def test_one_incident_per_source_alert(org):
    make_incident(org, source_ref="care.alert:7")
    with pytest.raises(Conflict):
        make_incident(org, source_ref="care.alert:7")
    assert Incident.objects.count() == 1


def test_an_officer_without_the_ems_duty_may_not_open_one(org):
    officer = Actor(user=member(org, Role.OFFICER))
    with pytest.raises(AccessDenied):
        incident_create(
            actor=officer,
            organization=org,
            caller_name="a",
            caller_phone="1",
            lat=16.5,
            lon=102.1,
            criterion="6-red-1",
        )


def test_the_timeline_in_legal_order_frees_the_unit_at_the_end(org, dispatcher):
    unit = make_unit(org, "A1", 16.54, 102.09)
    incident = make_incident(org)
    incident = incident_dispatch(actor=dispatcher, incident=incident, unit=unit, at=NOW + M, now=NOW + M)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.ON_MISSION and incident.step == Step.DISPATCHED
    t = NOW + M
    for step in (Step.ROLLING, Step.AT_SCENE, Step.LEAVING_SCENE):
        t += M
        incident = incident_stamp(actor=dispatcher, incident=incident, step=step, at=t, now=t)
    t += M
    with pytest.raises(InvalidInput) as e:
        incident_stamp(actor=dispatcher, incident=incident, step=Step.AT_HOSPITAL, at=t, now=t)
    assert "hospital" in e.value.field_errors
    incident = incident_stamp(
        actor=dispatcher, incident=incident, step=Step.AT_HOSPITAL, at=t, hospital="โรงพยาบาลชุมแพ", now=t
    )
    incident = incident_stamp(
        actor=dispatcher, incident=incident, step=Step.BACK_AT_BASE, at=t + M, now=t + M
    )
    unit.refresh_from_db()
    assert unit.status == Unit.Status.AVAILABLE
    assert incident.at_scene_at == NOW + 3 * M and incident.hospital == "โรงพยาบาลชุมแพ"


def test_an_impossible_order_is_refused_and_nothing_written(org, dispatcher):
    unit = make_unit(org, "A1", 16.54, 102.09)
    incident = make_incident(org)
    with pytest.raises(Conflict):  # rolling before any unit was dispatched
        incident_stamp(actor=dispatcher, incident=incident, step=Step.ROLLING, at=NOW, now=NOW)
    incident = incident_dispatch(actor=dispatcher, incident=incident, unit=unit, at=NOW + M, now=NOW + M)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict):  # at hospital before at scene
        incident_stamp(
            actor=dispatcher,
            incident=incident,
            step=Step.AT_HOSPITAL,
            hospital="รพ.",
            at=NOW + 2 * M,
            now=NOW + 2 * M,
        )
    with pytest.raises(InvalidInput):  # earlier than the dispatch
        incident_stamp(actor=dispatcher, incident=incident, step=Step.ROLLING, at=NOW, now=NOW + 2 * M)
    incident.refresh_from_db()
    assert (
        incident.step == Step.DISPATCHED and incident.rolling_at is None and incident.at_hospital_at is None
    )
    assert AuditEntry.objects.count() == before


def test_dispatching_a_unit_that_is_not_available_is_a_conflict(org, dispatcher):
    busy = make_unit(org, "A1", 16.54, 102.09)
    off = make_unit(org, "A2", 16.54, 102.09)
    off.status = Unit.Status.OUT_OF_SERVICE
    off.save()
    first, second = make_incident(org), make_incident(org)
    incident_dispatch(actor=dispatcher, incident=first, unit=busy, now=NOW + M)
    for unit in (busy, off):
        with pytest.raises(Conflict):
            incident_dispatch(actor=dispatcher, incident=second, unit=unit, now=NOW + M)
    second.refresh_from_db()
    assert second.unit is None and second.step == Step.RECEIVED
    assert SYSTEM.system
