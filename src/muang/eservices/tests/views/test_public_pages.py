"""The public pages: catalogue, printable manual, applying online (errors on the field), the applicant's page,
the licence PDF and its public verification page."""

import pytest
from django.test import Client
from django.urls import reverse

from muang.eservices.models import Application, Licence
from muang.eservices.services import application_decide
from muang.eservices.tests.helpers import FOOD_DATA, pdf, png

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_the_manual_are_public_thai_and_printable(org, food):
    client = Client()
    page = client.get(reverse("eservices:catalogue", args=[org.slug])).content.decode()
    assert food.name in page
    manual = client.get(reverse("eservices:manual", args=[org.slug, food.code])).content.decode()
    assert "แผนป้องกันและระงับอัคคีภัย" in manual and "กองสาธารณสุขและสิ่งแวดล้อม" in manual
    assert "@media print" in manual and 'id="total-days">30<' in manual
    assert client.get(reverse("eservices:manual", args=[org.slug, "nothing"])).status_code == 404


def _post(client, org, food, **overrides):
    data = {"applicant_name": "สมศรี ใจดี", "applicant_phone": "0812345678", **FOOD_DATA}
    data.update(
        {"documents.id-card": pdf(), "documents.house-registration": pdf(), "documents.floor-plan": png()}
    )
    data.update(overrides)
    return client.post(reverse("eservices:apply", args=[org.slug, food.code]), data)


def test_applying_online_names_the_missing_document_then_leads_to_the_applicants_own_page(org, food, head):
    client = Client()
    refused = _post(client, org, food, **{"documents.house-registration": ""})
    assert refused.status_code == 200
    assert 'data-field="documents.house-registration"' in refused.content.decode()
    assert not Application.objects.exists()
    done = _post(client, org, food)
    application = Application.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/my/{application.access_token}/")
    mine = client.get(done["Location"]).content.decode()
    assert application.reference in mine
    application_decide(actor=head, application=application, approve=True, reasons="ผ่าน")
    assert 'id="qr-code"' in client.get(done["Location"]).content.decode()
    assert Client().get(f"/eservices/{org.slug}/my/not-the-token/").status_code == 404


def test_the_licence_pdf_carries_a_qr_to_the_public_verification_page(org, head):
    from muang.eservices.models import Service
    from muang.eservices.services import application_submit

    elderly = Service.objects.get(organization=org, code="elderly-allowance-confirmation")
    application = application_submit(
        actor=None,
        organization=org,
        service=elderly,
        applicant_name="สมศรี ใจดี",
        applicant_phone="0812345678",
        data={"birth_date": "01/01/2500", "address": "5 หมู่ 1"},
        documents={"id-card": pdf(), "bank-book": pdf()},
    )
    application_decide(actor=head, application=application, approve=True, reasons="มีสิทธิ")
    licence = Licence.objects.get()
    response = Client().get(reverse("eservices:licence", args=[org.slug, application.access_token]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    page = Client().get(reverse("eservices:verify", args=[licence.verify_code])).content.decode()
    assert licence.number in page and "สมศรี ใจดี" in page
    assert Client().get(reverse("eservices:verify", args=["nope"])).status_code == 404


def test_the_counter_takes_an_application_for_a_walk_in_applicant(org, food, officer):
    client = Client()
    client.force_login(officer.user)
    page = client.get(reverse("eservices:applications")).content.decode()
    assert reverse("eservices:counter", args=[food.code]) in page
    data = {"applicant_name": "สมศรี ใจดี", "applicant_phone": "0812345678", **FOOD_DATA}
    data.update(
        {"documents.id-card": pdf(), "documents.house-registration": pdf(), "documents.floor-plan": png()}
    )
    response = client.post(reverse("eservices:counter", args=[food.code]), data)
    application = Application.objects.get()
    assert response.status_code == 302 and application.channel == "counter"
    assert application.reference in client.get(response["Location"]).content.decode()
