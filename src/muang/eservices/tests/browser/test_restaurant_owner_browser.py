"""Issue 14's "done means" on a phone (390 × 844, Thai): a restaurant owner finds the food premises licence
manual, applies online with the documents, is asked once for the missing fire-safety plan, uploads it, gets an
inspection date, pays the fee by Thai QR (the bank's file simulated as billing's tests do), downloads the
licence, and its QR's verification page says it is valid."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.billing import thaiqr
from muang.billing.models import Bill
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import cashier_actor, muang_csv
from muang.eservices.models import Application, ApplicationStatus, Licence
from muang.eservices.services import (
    application_decide,
    application_request_documents,
    application_schedule_inspection,
)
from muang.eservices.tests.helpers import PDF, png_bytes
from muang.testing.browser import sign_in_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_restaurant_owner_applies_is_asked_once_pays_by_qr_and_the_licence_verifies(
    live_server, in_chromium, hashed_static, settings, sms_gateway, org, food, officer, head, tmp_path
):
    settings.LANGUAGE_CODE = "th"
    settings.MUANG_PUBLIC_URL = live_server.url
    for name, data in (("id.pdf", PDF), ("house.pdf", PDF), ("fire.pdf", PDF), ("plan.png", png_bytes())):
        (tmp_path / name).write_bytes(data)
    in_chromium(lambda page: _walk(page, live_server.url, sms_gateway, org, food, officer, head, tmp_path))


def _walk(page, url, sms, org, food, officer, head, tmp_path) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{url}/eservices/{org.slug}/")
    page.get_by_role("link", name=food.name).click()
    assert "แผนป้องกันและระงับอัคคีภัย" in page.locator("#manual").inner_text()
    assert page.locator("#total-days").inner_text() == "30 วัน"
    page.locator("#apply-link").click()

    # Applying needs a sign-in: the mobile number, then the code the SMS gateway (stand-in) delivered.
    assert sign_in_by_code(page, sms, field="#id_phone", value="081 234 5678")["msisdn"] == "66812345678"
    page.wait_for_selector("#apply-form")
    assert "08x-xxx-5678" in page.locator("#signed-in-as").inner_text()

    page.fill("#id_applicant_name", "สมศรี ใจดี")
    page.fill("#id_business_name", "ครัวคุณแม่")
    page.fill("#id_site_address", "12 ถนนมะลิวัลย์")
    page.fill("#id_floor_area", "240")
    page.set_input_files("[name='documents.id-card']", tmp_path / "id.pdf")
    page.set_input_files("[name='documents.house-registration']", tmp_path / "house.pdf")
    page.set_input_files("[name='documents.floor-plan']", tmp_path / "plan.png")
    page.locator("#submit-application").click()
    page.wait_for_selector("#summary")
    application = Application.objects.get()
    assert application.reference in page.locator("h1").inner_text()
    mine = page.url

    application_request_documents(actor=officer, application=application, codes=["fire-safety-plan"])
    page.reload()
    assert "แผนป้องกันและระงับอัคคีภัย" in page.locator("#missing").inner_text()
    page.set_input_files("[name='documents.fire-safety-plan']", tmp_path / "fire.pdf")
    page.locator("#send-documents").click()
    page.wait_for_selector("#summary")
    assert page.locator("#missing").count() == 0

    application_schedule_inspection(
        actor=officer, application=application, at=timezone.now() + dt.timedelta(days=3)
    )
    page.reload()
    assert page.locator("#inspection").is_visible()

    application_decide(actor=head, application=application, approve=True, reasons="ผ่านการตรวจสถานที่")
    page.goto(f"{url}/eservices/{org.slug}/my/")  # my applications: what is asked of me now
    assert "1,000.00" in page.locator(f"[data-reference='{application.reference}'] .asked").inner_text()
    page.goto(mine)
    qr = thaiqr.parse(page.locator("#qr-code").get_attribute("data-payload"))
    bill = Bill.objects.get(number=page.locator("#bill-number").inner_text())
    assert qr.ref1 == bill.number and qr.amount == bill.amount == 1000
    page.screenshot(path=tmp_path / "pay.png", full_page=True)

    today = timezone.localdate().isoformat()
    bank_statement_import(  # the bank's file of the day: what the QR payment becomes
        actor=cashier_actor(org),
        organization=org,
        data=muang_csv([(today, "10:00", bill.number, bill.ref2, "1000.00", "T1")]),
        filename="bank.csv",
        bank_format="muang",
    )
    page.goto(mine)
    assert page.locator("#status").inner_text() == ApplicationStatus.APPROVED.label
    with page.expect_download() as download:
        page.locator("#licence-link").click()
    pdf = tmp_path / "licence.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    licence = Licence.objects.get()
    # The health officer scans the licence's QR with a phone: a fresh browser, nobody signed in.
    page.context.clear_cookies()
    page.goto(f"{url}/eservices/verify/{licence.verify_code}/")  # what the QR on the licence opens
    assert "ใช้ได้" in page.locator("#verdict").inner_text()
    assert page.locator("#licence-number").inner_text() == licence.number
    box = page.locator("#verify").bounding_box()
    assert box and box["width"] <= 390
    assert not problems, problems
