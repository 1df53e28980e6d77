"""Counter payments: refusals write nothing, partial payments, charges as of the day, receipts."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from muang.billing.models import Bill, BillKind, BillStatus, Payment, PaymentChannel, Receipt
from muang.billing.selectors import amount_due_of, instalment_states
from muang.billing.services.bills import bill_cancel
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import cashier_actor, issue
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry
from muang.core.thai_dates import fiscal_year

pytestmark = pytest.mark.django_db
ON_TIME = dt.date(2026, 4, 20)


def pay(bill, amount, actor, paid_on=ON_TIME, channel=PaymentChannel.CASH, **kw):
    return payment_record(actor=actor, bill=bill, amount=D(amount), channel=channel, paid_on=paid_on, **kw)


def _written():
    return (Payment.objects.count(), Receipt.objects.count(), AuditEntry.objects.count())


def test_full_payment_on_time_gets_a_receipt_and_closes_the_bill(org):
    cashier = cashier_actor(org)
    bill = issue(org, "1500.00")
    payment = pay(bill, "1500.00", cashier)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_principal == D("1500.00")
    assert (payment.principal, payment.penalty, payment.surcharge) == (D("1500.00"), 0, 0)
    fy = fiscal_year(timezone.localdate())
    assert payment.receipt.number == f"RC{fy}-000001" and payment.receipt.issued_by == cashier.user
    entry = AuditEntry.objects.get(object_type="billing.Payment")
    assert entry.changes["receipt"] == [None, payment.receipt.number] and entry.actor_user == cashier.user


def test_payment_larger_than_the_bill_is_refused_and_nothing_written(org):
    bill = issue(org, "1000.00")
    before = _written()
    with pytest.raises(InvalidInput) as e:
        pay(bill, "1000.01", cashier_actor(org))
    assert "amount" in e.value.field_errors and "1,000.00" in e.value.detail
    assert _written() == before
    bill.refresh_from_db()
    assert bill.paid_principal == 0 and bill.status == BillStatus.OPEN


def test_payment_on_a_cancelled_bill_is_refused(org, admin):
    bill = issue(org)
    bill_cancel(actor=admin, bill=bill, reason="wrong owner")
    before = _written()
    with pytest.raises(Conflict):
        pay(bill, "10.00", cashier_actor(org))
    assert _written() == before


def test_payment_on_a_paid_bill_is_refused(org):
    cashier = cashier_actor(org)
    bill = issue(org, "100.00")
    pay(bill, "100.00", cashier)
    with pytest.raises(Conflict):
        pay(bill, "1.00", cashier)


@pytest.mark.parametrize("amount", ["0", "-5", "10.005"])
def test_non_positive_or_sub_satang_amounts_are_refused(org, amount):
    with pytest.raises(InvalidInput):
        pay(issue(org), amount, cashier_actor(org))


def test_future_dated_payment_is_refused(org):
    with pytest.raises(InvalidInput):
        pay(issue(org), "10.00", cashier_actor(org), paid_on=timezone.localdate() + dt.timedelta(days=1))


def test_cheque_needs_its_number(org):
    with pytest.raises(InvalidInput) as e:
        pay(issue(org), "10.00", cashier_actor(org), channel=PaymentChannel.CHEQUE)
    assert "cheque_number" in e.value.field_errors


def test_partial_payment_leaves_the_bill_partly_paid(org):
    cashier = cashier_actor(org)
    bill = issue(org, "1000.00")
    pay(bill, "400.00", cashier)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PARTLY_PAID and bill.outstanding_principal == D("600.00")
    pay(bill, "600.00", cashier)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert list(Receipt.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_late_payment_pays_penalty_and_surcharge_as_of_its_day(org):
    bill = issue(org, "1000.00")  # due 30 April 2026
    due = amount_due_of(bill, dt.date(2026, 6, 15))
    assert (due.principal, due.penalty, due.surcharge, due.total) == (
        D("1000.00"),
        D("100.00"),
        D("20.00"),
        D("1120.00"),
    )
    with pytest.raises(InvalidInput):
        pay(bill, "1120.01", cashier_actor(org), paid_on=dt.date(2026, 6, 15))
    payment = pay(bill, "1120.00", cashier_actor(org), paid_on=dt.date(2026, 6, 15))
    assert (payment.principal, payment.penalty, payment.surcharge) == (D("1000.00"), D("100.00"), D("20.00"))
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_surcharge == D("20.00")


def test_signboard_surcharge_as_of_a_date(org):
    bill = issue(org, "1040.00", kind=BillKind.SIGNBOARD_TAX)
    assert amount_due_of(bill, dt.date(2026, 4, 30)).total == D("1040.00")
    assert amount_due_of(bill, dt.date(2026, 5, 1)).surcharge == D("20.80")  # 2% × 1 month
    assert amount_due_of(bill, dt.date(2026, 8, 1)).surcharge == D("83.20")  # 4 months


def test_instalments_paid_one_by_one(org):
    cashier = cashier_actor(org)
    bill = issue(org, "10000.00", instalments=True)
    pay(bill, "3333.34", cashier, paid_on=dt.date(2026, 4, 30))
    pay(bill, "3333.33", cashier, paid_on=dt.date(2026, 5, 30))
    bill.refresh_from_db()
    assert [s.paid for s in instalment_states(bill)] == [D("3333.34"), D("3333.33"), D("0.00")]
    assert bill.status == BillStatus.PARTLY_PAID
    # The third instalment is paid late: charges on it alone.
    due = amount_due_of(bill, dt.date(2026, 7, 2))
    assert due.penalty == D("333.33") and due.surcharge == D("33.33")


def test_officer_outside_the_revenue_department_may_not_record(org):
    from muang.core.access import Actor
    from muang.core.models import Role
    from muang.core.tests.factories import member

    bill = issue(org)
    with pytest.raises(AccessDenied):
        pay(bill, "10.00", Actor(user=member(org, Role.OFFICER)))
    assert Bill.objects.get(pk=bill.pk).paid_principal == 0
