"""Bank statements: exact matches applied; unmatched, partial, duplicate, wrong-amount and over-payment
lines reported and never applied; staff resolve them."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    BillStatus,
    LineResolution,
    MatchStatus,
    Payment,
    PaymentChannel,
    Receipt,
    Refund,
)
from muang.billing.selectors import instalment_states
from muang.billing.services.payments import payment_record
from muang.billing.services.reconciliation import bank_line_resolve, bank_statement_import
from muang.billing.tests.factories import cashier_actor, issue, muang_csv
from muang.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def run(org, rows, actor=None, fmt="muang", data=None):
    return bank_statement_import(
        actor=actor or cashier_actor(org),
        organization=org,
        data=data if data is not None else muang_csv(rows),
        filename="ktb-20260420.csv",
        bank_format=fmt,
    )


def statuses(statement):
    return dict(statement.lines.order_by("line_no").values_list("transaction_id", "status"))


def test_exact_match_is_applied_with_a_receipt(org):
    bill = issue(org, "1500.00")
    st = run(org, [("2026-04-20", "10:15:00", bill.number, "2569", "1500.00", "T1")])
    assert statuses(st) == {"T1": MatchStatus.MATCHED}
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_principal == D("1500.00")
    payment = Payment.objects.get(bill=bill)
    assert payment.channel == PaymentChannel.BANK and payment.reference == "T1"
    assert payment.paid_on == dt.date(2026, 4, 20) and payment.bank_line.transaction_id == "T1"
    assert payment.receipt.number.startswith("RC") and payment.receipt.seq == 1
    assert st.applied_amount == D("1500.00") and st.summary["matched"] == {"lines": 1, "amount": "1500.00"}


def test_a_line_matching_no_bill_is_reported_not_applied(org):
    bill = issue(org, "1500.00")
    st = run(
        org,
        [
            ("2026-04-20", "10:00", "LB2569999999", "2569", "1500.00", "T1"),
            ("2026-04-20", "10:01", bill.number, "2568", "1500.00", "T2"),  # wrong Ref2
        ],
    )
    assert statuses(st) == {"T1": MatchStatus.UNMATCHED, "T2": MatchStatus.UNMATCHED}
    assert Payment.objects.count() == 0 and st.applied_amount == 0
    assert "LB2569999999" in st.lines.get(transaction_id="T1").detail


def test_wrong_amounts_are_reported_not_applied(org):
    bill = issue(org, "1000.00")
    st = run(
        org,
        [
            ("2026-04-20", "10:00", bill.number, "2569", "700.00", "T1"),  # partial
            ("2026-04-20", "10:01", bill.number, "2569", "1200.00", "T2"),  # over
            ("2026-06-15", "10:02", bill.number, "2569", "1000.00", "T3"),  # the notice's amount, late
        ],
    )
    assert statuses(st) == {
        "T1": MatchStatus.PARTIAL,
        "T2": MatchStatus.OVER_PAYMENT,
        "T3": MatchStatus.WRONG_AMOUNT,
    }
    late = st.lines.get(transaction_id="T3")
    assert late.expected_amount == D("1120.00") and late.bill_id == bill.pk
    bill.refresh_from_db()
    assert bill.paid_principal == 0 and bill.status == BillStatus.OPEN
    assert Payment.objects.count() == Receipt.objects.count() == 0


def test_late_payment_of_the_full_amount_with_charges_matches(org):
    bill = issue(org, "1000.00")
    st = run(org, [("2026-06-15", "09:00", bill.number, "2569", "1120.00", "T1")])
    assert statuses(st) == {"T1": MatchStatus.MATCHED}
    payment = Payment.objects.get()
    assert (payment.principal, payment.penalty, payment.surcharge) == (D("1000.00"), D("100.00"), D("20.00"))


def test_duplicates_same_transaction_twice_and_bill_already_paid(org):
    bill = issue(org, "500.00")
    st = run(
        org,
        [
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),  # the bank repeated the row
            ("2026-04-21", "11:00", bill.number, "2569", "500.00", "T2"),  # the payer paid twice
        ],
    )
    assert list(st.lines.order_by("line_no").values_list("status", flat=True)) == [
        MatchStatus.MATCHED,
        MatchStatus.DUPLICATE,
        MatchStatus.DUPLICATE,
    ]
    assert Payment.objects.count() == 1
    # A later file repeating T1 is a duplicate too.
    other = issue(org, "500.00")
    st2 = run(
        org,
        [
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),
            ("2026-04-22", "10:00", other.number, "2569", "500.00", "T3"),
        ],
    )
    assert statuses(st2) == {"T1": MatchStatus.DUPLICATE, "T3": MatchStatus.MATCHED}


def test_the_same_file_twice_is_refused(org):
    bill = issue(org, "500.00")
    rows = [("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1")]
    run(org, rows)
    with pytest.raises(Conflict):
        run(org, rows)
    assert BankStatementImport.objects.count() == 1


def test_instalments_in_one_file_are_matched_in_bank_order(org):
    bill = issue(org, "9000.00", instalments=True)
    st = run(
        org,
        [
            ("2026-05-30", "10:00", bill.number, "2569", "3000.00", "T2"),  # listed first, paid second
            ("2026-04-30", "10:00", bill.number, "2569", "3000.00", "T1"),
        ],
    )
    assert statuses(st) == {"T1": MatchStatus.MATCHED, "T2": MatchStatus.MATCHED}
    bill.refresh_from_db()
    assert bill.paid_principal == D("6000.00") and bill.status == BillStatus.PARTLY_PAID
    assert [s.paid for s in instalment_states(bill)] == [D("3000.00"), D("3000.00"), D("0.00")]


def test_a_file_with_broken_rows_is_refused_whole_each_row_reported(org):
    bill = issue(org, "500.00")
    data = muang_csv(
        [
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),
            ("2026-13-40", "10:00", bill.number, "2569", "500.00", "T2"),
            ("2026-04-20", "10:00", bill.number, "2569", "abc", "T3"),
        ]
    )
    with pytest.raises(InvalidInput) as e:
        run(org, None, data=data)
    assert set(e.value.field_errors) == {"line 3", "line 4"}
    assert BankStatementLine.objects.count() == Payment.objects.count() == 0


def test_thai_bank_layout_with_buddhist_era_dates_in_tis620(org):
    bill = issue(org, "1234.50")
    text = (
        "วันที่ชำระ,เวลา,เลขอ้างอิง 1,เลขอ้างอิง 2,จำนวนเงิน,ชื่อผู้ชำระ,ช่องทาง,สาขา,เลขที่รายการ\n"
        f'20/04/2569,14:05:09,{bill.number.lower()},2569,"1,234.50",นายทดสอบ ระบบ,ATM,ขอนแก่น,KTB0001\n'
    )
    st = run(org, None, fmt="th_bank", data=text.encode("cp874"))
    line = st.lines.get()
    assert line.status == MatchStatus.MATCHED and line.payer_name == "นายทดสอบ ระบบ"
    assert line.paid_at == dt.datetime(2026, 4, 20, 7, 5, 9, tzinfo=dt.UTC)


def test_unknown_format_is_refused(org):
    with pytest.raises(InvalidInput):
        run(org, [], fmt="swift")


# --- resolution ------------------------------------------------------------------------------------------------


def test_partial_line_applied_by_staff_becomes_a_payment(org):
    cashier = cashier_actor(org)
    bill = issue(org, "1000.00")
    st = run(org, [("2026-04-20", "10:00", bill.number, "2569", "700.00", "T1")], actor=cashier)
    line = st.lines.get()
    bank_line_resolve(actor=cashier, line=line, action="apply", note="payer will pay the rest")
    line.refresh_from_db()
    bill.refresh_from_db()
    assert line.resolution == LineResolution.APPLIED and line.resolved_by == cashier.user
    assert bill.status == BillStatus.PARTLY_PAID and bill.paid_principal == D("700.00")
    assert line.payment.receipt.number
    with pytest.raises(Conflict):
        bank_line_resolve(actor=cashier, line=line, action="reject", note="again")


def test_over_payment_applied_records_a_refund_of_the_excess(org):
    cashier = cashier_actor(org)
    bill = issue(org, "1000.00")
    st = run(org, [("2026-04-20", "10:00", bill.number, "2569", "1200.00", "T1")], actor=cashier)
    bank_line_resolve(actor=cashier, line=st.lines.get(), action="apply")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    refund = Refund.objects.get()
    assert refund.amount == D("200.00") and refund.reason == "over_payment" and refund.bill == bill


def test_unmatched_line_applied_to_the_bill_staff_name(org):
    cashier = cashier_actor(org)
    bill = issue(org, "500.00")
    st = run(org, [("2026-04-20", "10:00", "LB2569X", "", "500.00", "T1")], actor=cashier)
    with pytest.raises(InvalidInput):
        bank_line_resolve(actor=cashier, line=st.lines.get(), action="apply")
    bank_line_resolve(actor=cashier, line=st.lines.get(), action="apply", bill_number=bill.number)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_duplicate_cannot_be_applied_but_can_be_refunded_or_rejected(org):
    cashier = cashier_actor(org)
    bill = issue(org, "500.00")
    payment_record(actor=cashier, bill=bill, amount=D("500.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    st = run(
        org,
        [
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),
            ("2026-04-20", "10:00", bill.number, "2569", "500.00", "T1"),
        ],
        actor=cashier,
    )
    first, second = st.lines.order_by("line_no")
    assert first.status == second.status == MatchStatus.DUPLICATE
    with pytest.raises(Conflict):
        bank_line_resolve(actor=cashier, line=first, action="apply")
    bank_line_resolve(actor=cashier, line=first, action="refund", note="paid at the counter too")
    with pytest.raises(InvalidInput):
        bank_line_resolve(actor=cashier, line=second, action="reject")
    bank_line_resolve(actor=cashier, line=second, action="reject", note="the bank listed it twice")
    assert Refund.objects.get().amount == D("500.00")
    assert not BankStatementLine.objects.filter(resolution="").exclude(status="matched").exists()
