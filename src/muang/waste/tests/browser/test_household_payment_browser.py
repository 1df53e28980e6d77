"""A household signs in on a phone with the SMS code, opens its waste-fee bill, sees the Thai QR code, pays (the
bank's statement reports the payment, as billing's tests simulate it), and the page then shows the receipt,
which downloads as a PDF. Real Chromium, phone-sized, in Thai."""

import re

import pytest
from django.utils import timezone

from muang.billing.models import Bill
from muang.billing.services.bills import profile_of
from muang.billing.services.notices import qr_payload
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import muang_csv
from muang.conftest import load_area_slice
from muang.core.thai_dates import add_months, buddhist_era
from muang.property.tests.factories import OwnerFactory
from muang.testing.browser import sign_in_by_code
from muang.waste.models import Account
from muang.waste.services.billing import waste_billing_run
from muang.waste.tests.conftest import make_waste_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_household_signs_in_on_a_phone_pays_its_waste_fee_by_qr_and_gets_the_receipt(
    live_server, in_chromium, sms_gateway, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_waste_town()
    owner = OwnerFactory(organization=town.org, phone="0812345678", title="นาง", name="สมศรี", last_name="ใจดี")
    Account.objects.filter(pk=town.home.pk).update(holder_tax_id=owner.national_id)
    bill = _bill_last_month(town)
    url, slug = live_server.url, town.org.slug

    def walk(page) -> None:
        page.goto(f"{url}/my-tax/{slug}/?next=/my-tax/{slug}/waste/")
        sign_in_by_code(page, sms_gateway, field="#id_tax_id", value=owner.national_id)
        page.wait_for_url(re.compile(rf"/my-tax/{slug}/waste/$"))
        assert page.locator("h1").inner_text() == "ค่าเก็บขยะของฉัน"
        assert "20.00" in page.locator("#waste-owed-amount").inner_text()
        assert "ค้างชำระ 1 ฉบับ" in page.locator('.waste-account[data-account="H001"]').inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # fits the phone

        _pay_by_qr(page, url, town, bill, "Q1")
        assert page.locator("#qr-code").count() == 0
        pdf = page.request.get(url + page.get_attribute("#receipts a.receipt-link", "href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        page.goto(f"{url}/my-tax/{slug}/waste/")
        assert page.locator("#waste-nothing-owed").count() == 1

    in_chromium(walk)


def test_a_household_not_on_the_property_register_signs_in_with_its_mobile_and_pays_by_qr(
    live_server, in_chromium, sms_gateway, settings
):
    """The same walk for a household the property register does not know (no national ID on its waste
    account): the waste page offers the mobile-number sign-in, the code comes by SMS to the number the waste
    register has (written with dashes there), and the household pays and gets its receipt."""
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_waste_town()
    Account.objects.filter(pk=town.home.pk).update(phone="081-234-5678", holder_tax_id="")
    bill = _bill_last_month(town)
    url, slug = live_server.url, town.org.slug

    def walk(page) -> None:
        page.goto(f"{url}/my-tax/{slug}/waste/")
        page.wait_for_url(re.compile(rf"/my-tax/{slug}/waste/sign-in/$"))
        page.click("#by-phone")
        assert (
            sign_in_by_code(page, sms_gateway, field="#id_phone", value="081 234 5678")["msisdn"]
            == "66812345678"
        )
        page.wait_for_url(re.compile(rf"/my-tax/{slug}/waste/$"))
        assert "08x-xxx-5678" in page.locator("#signed-in-phone").inner_text()
        assert "20.00" in page.locator("#waste-owed-amount").inner_text()
        assert page.locator('.waste-account[data-account="B001"]').count() == 0  # the shop is not theirs

        _pay_by_qr(page, url, town, bill, "Q2")
        pdf = page.request.get(url + page.get_attribute("#receipts a.receipt-link", "href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        page.click("#sign-out")
        page.goto(f"{url}/my-tax/{slug}/waste/")
        page.wait_for_url(re.compile(rf"/my-tax/{slug}/waste/sign-in/$"))

    in_chromium(walk)


def _pay_by_qr(page, url: str, town, bill, bank_ref: str) -> None:
    """From the waste page: open the bill, see its Thai QR code and save the picture; the household pays in its
    banking app and the bank's statement reports it (Ref1 = the bill number); the page then says paid in full."""
    page.click(f'.waste-bill[data-bill="{bill.number}"] a')
    page.wait_for_selector("#qr-code svg")
    assert page.get_attribute("#qr-code", "data-payload") == qr_payload(
        profile_of(town.org), bill, bill.amount
    )
    picture = page.request.get(url + page.get_attribute("#save-qr", "href"))
    assert picture.status == 200 and picture.headers["content-type"] == "image/png"
    row = (
        timezone.localdate().isoformat(),
        "09:00",
        bill.number,
        str(buddhist_era(bill.year)),
        "20.00",
        bank_ref,
    )
    bank_statement_import(
        actor=town.finance_officer, organization=town.org, data=muang_csv([row]), filename="qr.csv"
    )
    page.reload()
    page.wait_for_selector("#paid-in-full")


def _bill_last_month(town) -> Bill:
    """The waste-fee run of last month; the household's bill."""
    month = add_months(timezone.localdate().replace(day=1), -1)
    waste_billing_run(actor=town.finance_head, organization=town.org, period=month, issued_on=month)
    return Bill.objects.get(source_ref=f"waste:account:{month:%Y%m}.{town.home.pk}")
