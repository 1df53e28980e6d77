"""The staff's application page: the applicant and documents (audited reads of personal data), the one request
for missing documents, the inspection appointment, the decision with reasons and the fee's bill; and the
catalogue's admin, which refuses a manual missing what s.7 asks."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from muang.core.access import Actor
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member
from muang.eservices.models import Application, ApplicationStatus, Service
from muang.eservices.services import application_submit
from muang.eservices.tests.helpers import FOOD_DATA, applicant, food_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(org, food):
    return application_submit(
        actor=applicant(org),
        organization=org,
        service=food,
        applicant_name="สมศรี ใจดี",
        data=FOOD_DATA,
        documents=food_documents(),
    )


def _client(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_the_page_shows_the_applicant_and_documents_and_every_read_is_audited(org, application, officer):
    client = _client(officer)
    url = reverse("eservices:application", args=[application.reference])
    page = client.get(url).content.decode()
    assert "สมศรี ใจดี" in page and "0812345678" in page and "ครัวคุณแม่" in page
    assert 'id="missing-form"' in page and 'id="decision-form"' not in page  # an officer does not decide
    read = AuditEntry.objects.get(action=AuditEntry.Action.VIEW, object_id=str(application.pk))
    assert (
        read.actor_user_id == officer.user.pk
        and read.reason
        and read.changes == {"read": "applicant and documents"}
    )
    document = application.uploads.get(code="id-card")
    response = client.get(
        reverse("eservices:application-document", args=[application.reference, document.pk])
    )
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, changes={"read": "document id-card"}
    ).exists()
    # Staff of another organisation, or without a service duty, reach nothing.
    outsider = Actor(user=member(org, Role.OFFICER, department=org.departments.get(code="revenue")))
    assert _client(outsider).get(url).status_code == 403
    assert client.get(reverse("eservices:application", args=["ES0000000000"])).status_code == 404


def test_the_officer_asks_once_sets_the_inspection_and_the_head_decides_with_reasons(
    org, application, officer, head
):
    client = _client(officer)
    url = reverse("eservices:application", args=[application.reference])
    empty = client.post(url, {"action": "missing"})
    assert empty.status_code == 422 and 'id="missing-form"' in empty.content.decode()
    done = client.post(url, {"action": "missing", "codes": ["fire-safety-plan"], "note": "พื้นที่เกิน 200"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MISSING_DOCUMENTS
    page = client.get(url).content.decode()
    assert 'id="missing-requested"' in page and 'id="missing-form"' not in page  # once only (s.8)
    # The fire-safety plan arrives; the officer sets the inspection, in the future only.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    past = client.post(url, {"action": "inspection", "at": "2020-01-01T10:00"})
    assert past.status_code == 422
    at = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    assert client.post(url, {"action": "inspection", "at": at}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INSPECTION
    # An officer may not decide; the head decides, with reasons, and the fee's bill shows.
    assert client.post(url, {"action": "decision", "approve": "1", "reasons": "ok"}).status_code == 403
    head_client = _client(head)
    no_reason = head_client.post(url, {"action": "decision", "approve": "1", "reasons": " "})
    assert no_reason.status_code == 422
    assert (
        head_client.post(url, {"action": "decision", "approve": "1", "reasons": "ผ่านการตรวจ"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING_PAYMENT
    page = head_client.get(url).content.decode()
    assert f'id="fee-bill">{application.bill_number}<' in page and "ผ่านการตรวจ" in page


def test_the_catalogue_admin_refuses_a_manual_without_step_times_and_audits_a_change(org, food):
    admin_user = member(org, Role.SYSTEM_ADMIN)
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:eservices_service_change", args=[food.pk])
    assert client.get(url).status_code == 200
    import json

    data = {
        "organization": org.pk,
        "code": food.code,
        "published": "on",
        "name": food.name,
        "licence_title": food.licence_title,
        "legal_basis": food.legal_basis,
        "criteria": food.criteria,
        "steps": json.dumps([{"name": "ตรวจ", "department": "กองสาธารณสุข", "days": 0}]),
        "documents": json.dumps(food.documents),
        "fees": json.dumps(food.fees),
        "channels": json.dumps(food.channels),
        "complaints": food.complaints,
        "fields": json.dumps(food.fields),
        "validity_months": food.validity_months,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert Service.objects.get(pk=food.pk).total_days == 30
    data["steps"] = json.dumps([{"name": "ตรวจ", "department": "กองสาธารณสุข", "days": 20}])
    assert client.post(url, data).status_code == 302
    assert Service.objects.get(pk=food.pk).total_days == 20
    assert AuditEntry.objects.filter(object_type="eservices.Service", reason="admin").exists()
