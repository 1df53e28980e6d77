"""The pages a dispatcher uses (form errors name the field, a busy unit is a 409), the hand-over PDF, the CSV,
and a unit's tracker moving it through the IoT core's ingest."""

import datetime as dt
import subprocess

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.ems.models import Incident, Step, Unit
from muang.ems.services.incidents import incident_dispatch, incident_stamp
from muang.ems.tests.conftest import NOW, make_incident, make_unit
from muang.iot.services.devices import device_create, device_profile_create
from muang.iot.services.ingest import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(org, settings):
    settings.LANGUAGE_CODE = "th"
    client = Client()
    client.force_login(member(org, Role.OFFICER, duties=[Duty.EMERGENCY_MEDICAL]))
    return client


def test_the_call_form_without_a_pin_names_the_place_and_writes_nothing(client_of):
    r = client_of.post(
        "/ems/incidents/new/", {"caller_name": "สมศรี", "caller_phone": "081", "criterion": "6-red-1"}
    )
    assert r.status_code == 422
    assert "สถานที่" in r.content.decode()
    assert not Incident.objects.exists()
    r = client_of.post(
        "/ems/incidents/new/",
        {
            "caller_name": "สมศรี",
            "caller_phone": "081",
            "criterion": "6-red-1",
            "lat": "16.54",
            "lon": "102.1",
        },
    )
    assert r.status_code == 302
    assert Incident.objects.count() == 1
    page = client_of.get(r["Location"]).content.decode()
    assert "6 แดง 1" in page and "หัวใจหยุดเต้น" in page


def test_the_board_and_its_polled_parts(org, client_of):
    make_unit(org, "A1", 16.54, 102.09)
    make_incident(org)
    assert "6 แดง 1" in client_of.get("/ems/").content.decode()
    assert "A1" in client_of.get("/ems/board/lists/").content.decode()
    data = client_of.get("/ems/board/map.json").json()
    assert data["incidents"][0]["colour"] == "red" and data["units"][0]["call_sign"] == "A1"


def test_dispatching_a_busy_unit_from_the_page_is_a_409_with_the_reason(org, client_of):
    unit = make_unit(org, "A1", 16.54, 102.09)
    first, second = make_incident(org), make_incident(org)
    incident_dispatch(actor=SYSTEM, incident=first, unit=unit)
    r = client_of.post(f"/ems/incidents/{second.pk}/dispatch/", {"unit": unit.pk})
    assert r.status_code == 409 and "A1" in r.content.decode()
    second.refresh_from_db()
    assert second.unit is None


def test_the_handover_pdf_is_thai_and_its_reading_audited(org, client_of, tmp_path):
    unit = make_unit(org, "A1", 16.54, 102.09)
    incident = make_incident(org)
    incident = incident_dispatch(
        actor=SYSTEM, incident=incident, unit=unit, now=NOW + dt.timedelta(minutes=1)
    )
    r = client_of.get(f"/ems/incidents/{incident.pk}/handover.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    path = tmp_path / "pcr.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "6 แดง 1" in text and incident.number in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="ems.handover").exists()


def test_the_csv_export_is_audited(org, client_of):
    make_incident(org, received_at=NOW)
    r = client_of.get("/ems/incidents/export/?start=2026-03-01&end=2026-03-31")
    assert r.status_code == 200 and "6 แดง 1" in r.content.decode("utf-8-sig")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="ems.incidents").exists()
    assert client_of.get("/ems/incidents/export/?start=2026-03-31&end=2026-03-01").status_code == 422


def test_a_tracker_reading_through_the_iot_ingest_moves_its_unit(org, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    profile = device_profile_create(
        actor=SYSTEM,
        organization=org,
        name="tracker",
        keys=[
            {"key": "lat", "unit": "°", "type": "float", "min": -90, "max": 90},
            {"key": "lon", "unit": "°", "type": "float", "min": -180, "max": 180},
        ],
        decoder={"kind": "json", "keys": {"lat": "lat", "lon": "lon"}},
    )
    device, _secret = device_create(
        actor=SYSTEM, organization=org, profile=profile, name="A1 GPS", serial="GPS-1"
    )
    unit = make_unit(org, "A1", 16.54, 102.09, device=device)
    ingest(
        payload={"values": {"lat": 16.55, "lon": 102.11}},
        channel="http",
        device=device,
        received_at=NOW,
        now=NOW,
    )
    unit.refresh_from_db()
    assert (round(unit.location.y, 3), round(unit.location.x, 3)) == (
        16.55,
        102.11,
    ) and unit.position_at == NOW
    # An older position arriving late does not move it back.
    ingest(
        payload={"values": {"lat": 16.53, "lon": 102.08}},
        channel="http",
        device=device,
        received_at=NOW - dt.timedelta(minutes=1),
        now=NOW,
    )
    unit.refresh_from_db()
    assert round(unit.location.y, 3) == 16.55


def test_back_at_base_from_the_step_form(org, client_of):
    unit = make_unit(org, "A1", 16.54, 102.09)
    incident = make_incident(org, received_at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
    incident = incident_dispatch(actor=SYSTEM, incident=incident, unit=unit)
    r = client_of.post(f"/ems/incidents/{incident.pk}/step/", {"step": "at_scene"})
    assert r.status_code == 409  # not rolling yet
    incident_stamp(actor=SYSTEM, incident=incident, step=Step.ROLLING)
    assert client_of.post(f"/ems/incidents/{incident.pk}/step/", {"step": "at_scene"}).status_code == 302
    assert client_of.post(f"/ems/incidents/{incident.pk}/step/", {"step": "back_at_base"}).status_code == 302
    unit.refresh_from_db()
    assert unit.status == Unit.Status.AVAILABLE


def test_the_polled_board_costs_the_same_queries_for_few_or_many_rows(
    org, client_of, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_of.get("/ems/board/lists/").status_code == 200
        return len(captured)

    make_unit(org, "A1", 16.54, 102.09)
    make_incident(org)
    client_of.get("/ems/board/lists/")  # warm the session
    few = queries()
    for i in range(2, 8):
        unit = make_unit(org, f"A{i}", 16.54, 102.09)
        incident_dispatch(actor=SYSTEM, incident=make_incident(org), unit=unit)
    assert queries() == few
