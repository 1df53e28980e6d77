"""An officer of the revenue department opens a bill, takes a payment at the counter, gets the receipt, and
the bill shows paid: with a real browser, on a phone-sized screen, in Thai."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.billing.models import Bill, BillStatus, Receipt
from muang.billing.selectors import amount_due_of
from muang.billing.tests.factories import billing_organization, issue, revenue_member
from muang.conftest import load_area_slice
from muang.core.tests.factories import PASSWORD
from muang.testing.browser import click_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_counter_payment_and_downloads_the_receipt(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"  # the staff's own language (domain tests otherwise run in English)
    load_area_slice()
    org = billing_organization()
    user = revenue_member(org)
    bill = issue(org, "1250.00", due_date=dt.date(2026, 12, 31))
    in_chromium(lambda page: _walk(page, live_server.url, user, bill, tmp_path))

    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert Receipt.objects.filter(payment__bill=bill).count() == 1


def _walk(page, url: str, user, bill: Bill, tmp_path) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")

    click_menu(page, "/billing/bills/")  # the menu entry
    page.wait_for_selector(f'tr[data-number="{bill.number}"]')
    page.click(f'a[href="/billing/bills/{bill.number}/"]')
    page.wait_for_selector("#payment-form")
    page.wait_for_selector(
        "#id_paid_on + .be-date"
    )  # dates.js has run (it adds the B.E. hints: the layout moves)
    assert "31 ธ.ค. 2569" in page.locator("h1 + .grid").inner_text()  # the due date, in the Buddhist Era
    # the date picker speaks C.E.; the day it holds is repeated in the Buddhist Era beside it
    today = timezone.localdate()
    assert page.locator("#id_paid_on + .be-date").inner_text().endswith(str(today.year + 543))

    # Too much first: the form says so and nothing is recorded.
    due = amount_due_of(bill)
    page.fill("#id_amount", str(due.total + 1))
    page.click("#pay")
    page.wait_for_selector("#form-problem")
    page.wait_for_selector("#id_paid_on + .be-date")
    assert page.locator('[data-field="amount"]').count() == 1
    assert not Receipt.objects.filter(payment__bill=bill).exists()

    page.check("input[name=channel][value=cash]")
    page.fill("#id_amount", str(due.total))
    # Leave the field as a cashier does (Tab): clicking straight from the focused number input of a page that
    # came back with an error lands the headless click on the form rather than the button (seen only there).
    page.press("#id_amount", "Tab")
    page.screenshot(path=tmp_path / "bill.png", full_page=True)
    page.click("#pay")
    page.wait_for_url(f"{url}/billing/receipts/**")
    receipt = Receipt.objects.get(payment__bill=bill)
    assert page.locator("#receipt-number").inner_text() == receipt.number
    assert page.locator("#receipt-amount").inner_text().startswith("1,250.00")
    with page.expect_download() as download_info:
        page.click("#receipt-pdf")
    path = tmp_path / "receipt.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)

    page.click(f'a[href="/billing/bills/{bill.number}/"] >> nth=0')
    page.wait_for_selector("#bill-status")
    assert page.locator("#bill-status").inner_text() == "ชำระแล้ว"
    assert page.locator("#payment-form").count() == 0  # nothing left to take
