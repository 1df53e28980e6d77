"""The bills list, the bill page and its forms (counter payment, cancel, objection, decision, refund), receipts."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone

from muang.billing.models import (
    Bill,
    BillKind,
    BillStatus,
    Objection,
    ObjectionStatus,
    Payment,
    Receipt,
    Refund,
)
from muang.billing.selectors import amount_due_of
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import issue
from muang.billing.tests.test_services_notices import pdf_text
from muang.billing.views.bills import MAX_BATCH_NOTICES
from muang.core.access import SYSTEM

pytestmark = pytest.mark.django_db


def numbers_listed(response) -> list[str]:
    return re.findall(r'data-number="([A-Z0-9]+)"', response.content.decode())


def test_list_filters_and_search(org, cashier, login):
    land = issue(org, "1000.00")
    sign = issue(org, "400.00", kind=BillKind.SIGNBOARD_TAX, year=2025, due_date=dt.date(2026, 12, 31))
    paid = issue(org, "300.00")
    payment_record(actor=SYSTEM, bill=paid, amount=D("300.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    client = login(cashier)

    assert set(numbers_listed(client.get("/billing/bills/"))) == {land.number, sign.number, paid.number}
    assert numbers_listed(client.get("/billing/bills/", {"kind": "signboard_tax"})) == [sign.number]
    assert numbers_listed(client.get("/billing/bills/", {"year": "2025"})) == [sign.number]
    assert numbers_listed(client.get("/billing/bills/", {"status": "paid"})) == [paid.number]
    assert numbers_listed(client.get("/billing/bills/", {"overdue": "on"})) == [land.number]
    assert numbers_listed(client.get("/billing/bills/", {"q": land.number.lower()})) == [land.number]
    assert len(numbers_listed(client.get("/billing/bills/", {"q": "1-1017-00230-70-8"}))) == 3  # tax ID
    assert len(numbers_listed(client.get("/billing/bills/", {"q": "สมหญิง"}))) == 3
    assert numbers_listed(client.get("/billing/bills/", {"q": "ไม่มีใคร"})) == []
    page = client.get("/billing/bills/", {"year": "2025"}).content.decode()
    assert "2568" in page  # years are shown in the Buddhist Era


def test_list_rejects_an_unknown_year_with_a_form_error(org, cashier, login):
    issue(org, "1000.00")
    response = login(cashier).get("/billing/bills/", {"year": "1999"})
    assert response.status_code == 200
    assert 'data-field="year"' in response.content.decode()


def test_list_pages(org, cashier, login):
    for _ in range(51):
        issue(org, "10.00")
    client = login(cashier)
    assert len(numbers_listed(client.get("/billing/bills/"))) == 50
    assert len(numbers_listed(client.get("/billing/bills/", {"page": 2}))) == 1


def test_bill_page_shows_what_is_due_today_and_on_a_chosen_day(org, cashier, login):
    bill = issue(org, "9000.00", instalments=True)
    client = login(cashier)
    page = client.get(f"/billing/bills/{bill.number}/").content.decode()
    today = amount_due_of(bill, timezone.localdate())
    assert f'id="due-total">{today.total:,.2f}<' in page
    assert "3,000.00" in page and "30 Apr 2026" in page  # instalments, dates
    # On 15 June 2026: instalments 1 (30 Apr) and 2 (30 May) late; 10% penalty, 1% a month surcharge.
    page = client.get(f"/billing/bills/{bill.number}/", {"as_of": "2026-06-15"}).content.decode()
    due = amount_due_of(bill, dt.date(2026, 6, 15))
    assert (due.penalty, due.surcharge, due.total) == (D("600.00"), D("90.00"), D("9690.00"))
    section = page[page.index('id="due-as-of"') :]
    assert "600.00" in section and "90.00" in section and "9,690.00" in section


def test_bill_page_in_thai_shows_buddhist_era_dates(org, cashier, login):
    bill = issue(org, "1000.00")
    client = login(cashier)
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    page = client.get(f"/billing/bills/{bill.number}/").content.decode()
    assert "30 เม.ย. 2569" in page and "1,000.00" in page


def test_counter_payment_issues_a_receipt(org, cashier, login):
    bill = issue(org, "1000.00", due_date=dt.date(2026, 12, 31))
    client = login(cashier)
    paid_on = min(timezone.localdate(), dt.date(2026, 12, 31))
    response = client.post(
        f"/billing/bills/{bill.number}/pay",
        {"channel": "transfer", "amount": "400.00", "paid_on": paid_on.isoformat(), "reference": "SLIP123"},
    )
    receipt = Receipt.objects.get(payment__bill=bill)
    assert response.status_code == 302 and response.url == f"/billing/receipts/{receipt.number}/"
    page = client.get(response.url).content.decode()
    assert receipt.number in page and "400.00" in page and "SLIP123" in page
    pdf = client.get(f"/billing/receipts/{receipt.number}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PARTLY_PAID and bill.paid_principal == D("400.00")


def test_over_payment_is_a_form_error_and_writes_nothing(org, cashier, login):
    bill = issue(org, "1000.00")
    paid_on = dt.date(2026, 6, 15)
    due = amount_due_of(bill, paid_on).total  # with the penalty and surcharge of that day
    response = login(cashier).post(
        f"/billing/bills/{bill.number}/pay",
        {"channel": "cash", "amount": str(due + D("0.01")), "paid_on": paid_on.isoformat()},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f"is more than the {due:,.2f} baht due" in page
    assert 'data-field="amount"' in page
    assert not Payment.objects.filter(bill=bill).exists() and not Receipt.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"channel": "cheque", "amount": "10.00"}, "cheque_number", "Give the cheque number."),
        ({"channel": "transfer", "amount": "10.00"}, "reference", "Give the transfer"),
        ({"channel": "cash", "amount": "0"}, "amount", "greater than or equal to 0.01"),
        ({"channel": "cash", "amount": "10.001"}, "amount", "no more than 2 decimal places"),
        ({"channel": "card", "amount": "10.00"}, "channel", "Select a valid choice"),
        (
            {"channel": "cash", "amount": "10.00", "paid_on": "2999-01-01"},
            "paid_on",
            "cannot be dated in the future",
        ),
        (
            {"channel": "cash", "amount": "10.00", "paid_on": "2026-01-01"},
            "paid_on",
            "before the bill was issued",
        ),
    ],
)
def test_payment_form_errors(org, cashier, login, data, field, message):
    bill = issue(org, "1000.00")
    response = login(cashier).post(f"/billing/bills/{bill.number}/pay", {"paid_on": "2026-04-10", **data})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'data-field="{field}"' in page and message in page
    assert not Payment.objects.filter(bill=bill).exists()


def test_paying_a_paid_bill_is_refused(org, cashier, login):
    bill = issue(org, "100.00")
    payment_record(actor=SYSTEM, bill=bill, amount=D("100.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    response = login(cashier).post(
        f"/billing/bills/{bill.number}/pay", {"channel": "cash", "amount": "1.00", "paid_on": "2026-04-02"}
    )
    assert response.status_code == 422 and "already paid in full" in response.content.decode()
    assert Payment.objects.filter(bill=bill).count() == 1


def test_cancel_needs_a_reason_and_is_refused_after_a_payment(org, head, login):
    bill = issue(org, "1000.00")
    client = login(head)
    response = client.post(f"/billing/bills/{bill.number}/cancel", {"reason": ""})
    assert response.status_code == 422 and 'data-field="reason"' in response.content.decode()
    response = client.post(f"/billing/bills/{bill.number}/cancel", {"reason": "ประเมินซ้ำ"})
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.CANCELLED and bill.cancel_reason == "ประเมินซ้ำ"

    paid = issue(org, "1000.00")
    payment_record(actor=SYSTEM, bill=paid, amount=D("10.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    response = client.post(f"/billing/bills/{paid.number}/cancel", {"reason": "x"})
    assert response.status_code == 422 and "refund them instead" in response.content.decode()
    assert Bill.objects.get(pk=paid.pk).status == BillStatus.PARTLY_PAID


def test_objection_and_its_decision(org, head, login):
    bill = issue(org, "1000.00")
    client = login(head)
    late = client.post(
        f"/billing/bills/{bill.number}/objections", {"filed_on": "2026-04-20", "reason": "ราคาสูง"}
    )
    assert late.status_code == 422 and "within 30 days" in late.content.decode()
    response = client.post(
        f"/billing/bills/{bill.number}/objections", {"filed_on": "2026-03-01", "reason": "ราคาสูง"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get(bill=bill)
    response = client.post(
        f"/billing/bills/{bill.number}/objections/{objection.pk}/decide",
        {"status": "rejected", "decided_on": "2026-02-01"},
    )
    assert response.status_code == 422 and "comes after the objection" in response.content.decode()
    response = client.post(
        f"/billing/bills/{bill.number}/objections/{objection.pk}/decide",
        {"status": "partly_accepted", "decided_on": "2026-03-20", "note": "ลดบางส่วน"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PARTLY_ACCEPTED and objection.decision_note == "ลดบางส่วน"
    again = client.post(
        f"/billing/bills/{bill.number}/objections/{objection.pk}/decide",
        {"status": "rejected", "decided_on": "2026-03-21"},
    )
    assert again.status_code == 422 and "already decided" in again.content.decode()
    assert client.post(f"/billing/bills/{bill.number}/objections/999999/decide", {}).status_code == 404


def test_refund_is_capped_at_what_was_paid(org, head, login):
    bill = issue(org, "1000.00")
    payment = payment_record(
        actor=SYSTEM, bill=bill, amount=D("1000.00"), channel="cash", paid_on=dt.date(2026, 4, 1)
    )
    client = login(head)
    data = {"reason": "objection", "claimed_on": "2026-05-01", "receipt": payment.receipt.number}
    response = client.post(f"/billing/bills/{bill.number}/refunds", {**data, "amount": "1000.01"})
    assert response.status_code == 422 and "At most 1,000.00 baht" in response.content.decode()
    assert not Refund.objects.exists()
    response = client.post(f"/billing/bills/{bill.number}/refunds", {**data, "amount": "250.00"})
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert refund.amount == D("250.00") and refund.payment == payment and refund.payee_name == bill.payer_name


def test_notice_pdf(org, cashier, login):
    bill = issue(org, "1000.00")
    response = login(cashier).get(f"/billing/bills/{bill.number}/notice.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_batch_notices_for_the_filtered_bills(org, cashier, login, tmp_path):
    land = issue(org, "1000.00")
    signs = [issue(org, "400.00", kind=BillKind.SIGNBOARD_TAX) for _ in range(2)]
    client = login(cashier)
    response = client.get("/billing/bills/notices.pdf", {"kind": "signboard_tax"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert all(s.number in text for s in signs) and land.number not in text and "ภ.ป.3" in text
    response = client.get("/billing/bills/notices.pdf", {"kind": "waste_fee"})
    assert response.status_code == 302
    assert "No bills to print" in client.get(response.url).content.decode()


def test_batch_notices_are_capped_with_a_clear_message(org, cashier, login, monkeypatch):
    monkeypatch.setattr("muang.billing.views.bills.MAX_BATCH_NOTICES", 2)
    for _ in range(3):
        issue(org, "10.00")
    client = login(cashier)
    response = client.get("/billing/bills/notices.pdf", {"year": "2026"})
    assert response.status_code == 302 and response.url == "/billing/bills/?year=2026"
    assert "The filters select 3 bills; at most 2 notices" in client.get(response.url).content.decode()
    assert MAX_BATCH_NOTICES >= 100


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warms the per-process caches (the signed-in user, their memberships): counted warm
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_do_not_query_per_row(org, head, login):
    """The templates get prepared data: more payments or bills, the same number of queries."""
    bill = issue(org, "1000.00", due_date=dt.date(2026, 12, 31))
    payment_record(actor=SYSTEM, bill=bill, amount=D("10.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    client = login(head)
    url = f"/billing/bills/{bill.number}/"
    few_payments, few_bills = _queries(client, url), _queries(client, "/billing/bills/")
    for day in range(2, 6):
        payment_record(
            actor=SYSTEM, bill=bill, amount=D("10.00"), channel="cash", paid_on=dt.date(2026, 4, day)
        )
        issue(org, "10.00", instalments=False)
    assert _queries(client, url) == few_payments
    assert _queries(client, "/billing/bills/") == few_bills


def test_notice_delivery_and_extension(org, head, login):
    bill = issue(org, "1000.00")
    client = login(head)
    response = client.post(f"/billing/bills/{bill.number}/notified", {"notified_on": "2026-02-01"})
    assert response.status_code == 422 and "Between the issue date and today." in response.content.decode()
    assert (
        client.post(f"/billing/bills/{bill.number}/notified", {"notified_on": "2026-02-20"}).status_code
        == 302
    )
    response = client.post(f"/billing/bills/{bill.number}/extend", {"extension_until": "2026-04-01"})
    assert (
        response.status_code == 422 and "An extension ends after the due date." in response.content.decode()
    )
    assert (
        client.post(f"/billing/bills/{bill.number}/extend", {"extension_until": "2026-07-31"}).status_code
        == 302
    )
    bill.refresh_from_db()
    assert bill.notified_on == dt.date(2026, 2, 20) and bill.extension_until == dt.date(2026, 7, 31)
    # paid within the extension: no penalty, 0.5% a month
    due = amount_due_of(bill, dt.date(2026, 6, 15))
    assert (due.penalty, due.surcharge) == (D("0.00"), D("10.00"))
    page = client.get(f"/billing/bills/{bill.number}/", {"as_of": "2026-06-15"}).content.decode()
    assert "1,010.00" in page[page.index('id="due-as-of"') :]
    # the objection deadline now runs from delivery
    assert "by 22 Mar 2026" in page


def test_cashier_cannot_record_delivery(org, cashier, login):
    bill = issue(org, "1000.00")
    assert (
        login(cashier)
        .post(f"/billing/bills/{bill.number}/notified", {"notified_on": "2026-02-20"})
        .status_code
        == 403
    )
    assert Bill.objects.get(pk=bill.pk).notified_on is None


def test_a_bill_is_due_for_payment_not_due_for_completion(org, cashier, login, settings):
    """Issue 8 item 13: the bill said "กำหนดเสร็จ" (a case's deadline) instead of "ครบกำหนดชำระ"."""
    settings.LANGUAGE_CODE = "th"
    bill = issue(org, "1000.00", due_date=dt.date(2026, 12, 31))
    html = login(cashier).get(f"/billing/bills/{bill.number}/").content.decode()
    assert "ครบกำหนดชำระ 31 ธ.ค. 2569" in html
    assert "กำหนดเสร็จ" not in html
