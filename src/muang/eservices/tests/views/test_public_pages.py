"""The public pages: catalogue, printable manual, the applicant's sign-in with a one-time code, applying online
(errors on the field), my applications and each one's page, the licence PDF and its public verification page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from muang.core.models import Notification
from muang.eservices.models import Application, Licence
from muang.eservices.services import application_decide
from muang.eservices.tests.helpers import FOOD_DATA, applicant, pdf, png

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_the_manual_are_public_thai_and_printable(org, food):
    client = Client()
    page = client.get(reverse("eservices:catalogue", args=[org.slug])).content.decode()
    assert food.name in page
    manual = client.get(reverse("eservices:manual", args=[org.slug, food.code])).content.decode()
    assert "แผนป้องกันและระงับอัคคีภัย" in manual and "กองสาธารณสุขและสิ่งแวดล้อม" in manual
    assert "@media print" in manual and 'id="total-days">30 calendar days<' in manual
    assert client.get(reverse("eservices:manual", args=[org.slug, "nothing"])).status_code == 404


def test_a_district_office_offers_no_local_government_service(org, food):
    """Permits, licences and the waste service are a local government's powers: a district office gets no
    catalogue (refused), has no public page and is not listed, even if services were once loaded for it."""
    from muang.core.access import SYSTEM
    from muang.core.errors import InvalidInput
    from muang.core.tests.factories import DistrictOfficeFactory
    from muang.eservices.models import Service
    from muang.eservices.services import catalogue_entries, catalogue_load

    district = DistrictOfficeFactory()
    with pytest.raises(InvalidInput):
        catalogue_load(actor=SYSTEM, organization=district, entries=catalogue_entries())
    assert not Service.objects.filter(organization=district).exists()
    Service.objects.create(
        organization=district, code=food.code, name=food.name, published=True
    )  # older data
    client = Client()
    assert client.get(reverse("eservices:catalogue", args=[district.slug])).status_code == 404
    index = client.get(reverse("eservices:index")).content.decode()
    assert org.name_th in index and district.name_th not in index


def sign_in(client, org, phone="0812345678"):
    """The applicant's sign-in as a browser does it: the number, then the code from the SMS in the outbox."""
    response = client.post(reverse("eservices:sign-in", args=[org.slug]), {"phone": phone})
    assert response.status_code == 302, response.content.decode()[:500]
    sms = Notification.objects.filter(recipient=phone, subject__startswith="otp:").latest("pk")
    code = re.search(r"\d{6}", sms.messages[0]["text"]).group()
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    return response


def _post(client, org, food, **overrides):
    data = {"applicant_name": "สมศรี ใจดี", **FOOD_DATA}
    data.update(
        {"documents.id-card": pdf(), "documents.house-registration": pdf(), "documents.floor-plan": png()}
    )
    data.update(overrides)
    return client.post(reverse("eservices:apply", args=[org.slug, food.code]), data)


def test_applying_needs_a_sign_in_with_a_code_sent_to_the_mobile_then_returns_to_the_form(org, food):
    client = Client()
    apply_url = reverse("eservices:apply", args=[org.slug, food.code])
    to_sign_in = client.get(apply_url)
    assert to_sign_in.status_code == 302 and "/sign-in/" in to_sign_in["Location"]
    bad = client.post(reverse("eservices:sign-in", args=[org.slug]), {"phone": "02 123 4567"})
    assert bad.status_code == 422 and 'data-field="phone"' in bad.content.decode()
    sent = client.post(to_sign_in["Location"], {"phone": "081-234-5678", "next": apply_url})
    wrong = client.post(sent["Location"], {"code": "000000"})
    assert wrong.status_code == 422 and 'data-field="code"' in wrong.content.decode()
    sms = Notification.objects.get(recipient="0812345678", subject__startswith="otp:")
    code = re.search(r"\d{6}", sms.messages[0]["text"]).group()
    done = client.post(sent["Location"], {"code": code, "next": apply_url})
    assert done.status_code == 302 and done["Location"] == apply_url
    page = client.get(apply_url).content.decode()
    assert 'id="signed-in-as"' in page and "08x-xxx-5678" in page and "id_applicant_phone" not in page
    again = client.post(sent["Location"], {"code": code})  # a code signs in once
    assert again.status_code in (302, 422)
    other = Client()
    assert other.get(reverse("eservices:my", args=[org.slug])).status_code == 302


def test_applying_online_names_the_missing_document_then_leads_to_my_applications(org, food, head):
    client = Client()
    sign_in(client, org)
    refused = _post(client, org, food, **{"documents.house-registration": ""})
    assert refused.status_code == 200
    assert 'data-field="documents.house-registration"' in refused.content.decode()
    assert not Application.objects.exists()
    done = _post(client, org, food)
    application = Application.objects.get()
    assert application.applicant_phone == "0812345678" and application.channel == "online"
    assert done.status_code == 302 and done["Location"].endswith(f"/my/{application.reference}/")
    mine = client.get(done["Location"]).content.decode()
    assert application.reference in mine
    application_decide(actor=head, application=application, approve=True, reasons="ผ่าน")
    assert 'id="qr-code"' in client.get(done["Location"]).content.decode()
    listing = client.get(reverse("eservices:my", args=[org.slug])).content.decode()
    assert application.reference in listing and "1,000.00" in listing
    # Someone else signed in (another number) finds neither the application nor its licence.
    stranger = Client()
    sign_in(stranger, org, phone="0899999999")
    assert stranger.get(done["Location"]).status_code == 404
    assert (
        application.reference not in stranger.get(reverse("eservices:my", args=[org.slug])).content.decode()
    )
    assert Client().get(done["Location"]).status_code == 302  # not signed in: to the sign-in page


def test_the_licence_pdf_carries_a_qr_to_the_public_verification_page(org, head):
    from muang.eservices.models import Service
    from muang.eservices.services import application_submit

    elderly = Service.objects.get(organization=org, code="elderly-allowance-confirmation")
    application = application_submit(
        actor=applicant(org),
        organization=org,
        service=elderly,
        applicant_name="สมศรี ใจดี",
        data={"birth_date": "01/01/2500", "address": "5 หมู่ 1"},
        documents={"id-card": pdf(), "bank-book": pdf()},
    )
    application_decide(actor=head, application=application, approve=True, reasons="มีสิทธิ")
    licence = Licence.objects.get()
    url = reverse("eservices:licence", args=[org.slug, application.reference])
    assert Client().get(url).status_code == 302
    client = Client()
    sign_in(client, org)
    response = client.get(url)
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
