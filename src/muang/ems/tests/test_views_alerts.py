"""The care centre's board and an alert's card: the polled fragment, the card's audited health read, the
answers as forms (409 naming who took it, 422 without a reason), and the wearer's photo behind the check."""

import pytest
from django.test import Client

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.ems.models import AlertKind, AlertStatus
from muang.ems.services.alerts import alert_raise
from muang.ems.tests.conftest import NOW, make_band

pytestmark = pytest.mark.django_db


def client_for(org, *duties, first_name="วิไล"):
    user = member(org, Role.OFFICER, duties=list(duties))
    user.first_name, user.last_name = first_name, "ใจดี"
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alert(org):
    return alert_raise(wristband=make_band(org), kind=AlertKind.FALL, at=NOW, now=NOW)


def test_the_board_polls_its_alerts_and_the_card_logs_the_health_read(org, alert, settings):
    settings.LANGUAGE_CODE = "th"
    client = client_for(org, Duty.CARE, Duty.EMERGENCY_MEDICAL)
    page = client.get("/ems/care/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "หกล้ม" in page
    fragment = client.get("/ems/care/alerts/").content.decode()
    assert f'data-waiting="{alert.pk}"' in fragment and "นางบัวผัน ศรีสุข1" in fragment
    assert not AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW
    ).exists()  # the list reads no health data
    card = client.get(f"/ems/care/alerts/{alert.pk}/").content.decode()
    assert "แพ้ยาเพนิซิลลิน" in card and 'href="tel:0899999999"' in card
    assert 'value="24-red-1"' in card  # a fall starts from CBD group 24
    read = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert read.reason == "emergency" and read.object_type == "care.Person"


def test_the_answers_as_forms(org, alert, settings):
    settings.LANGUAGE_CODE = "th"
    first = client_for(org, Duty.CARE, Duty.EMERGENCY_MEDICAL)
    second = client_for(org, Duty.CARE, first_name="สมชาย")
    assert first.post(f"/ems/care/alerts/{alert.pk}/acknowledge/").status_code == 302
    r = second.post(f"/ems/care/alerts/{alert.pk}/acknowledge/")
    assert r.status_code == 409 and "วิไล ใจดี" in r.content.decode()
    r = first.post(f"/ems/care/alerts/{alert.pk}/close/", {"reason": ""})
    assert r.status_code == 422 and "เหตุผล" in r.content.decode()
    r = second.post(f"/ems/care/alerts/{alert.pk}/incident/", {"criterion": "24-red-1"})
    assert r.status_code == 403  # the care duty alone sends no ambulance
    r = first.post(f"/ems/care/alerts/{alert.pk}/incident/", {"criterion": "24-red-1"})
    assert r.status_code == 302 and r["Location"].startswith("/ems/incidents/")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.INCIDENT and alert.incident.colour == "red"


def test_the_board_is_for_the_care_and_ems_duties_only(org, alert):
    assert client_for(org).get("/ems/care/").status_code == 403
    assert client_for(org, Duty.TAX).get(f"/ems/care/alerts/{alert.pk}/").status_code == 403
    assert client_for(org, Duty.EMERGENCY_MEDICAL).get("/ems/care/alerts/").status_code == 200
