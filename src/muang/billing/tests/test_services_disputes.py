"""Warning letters, objections (30 days) and refunds (never more than was paid)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.models import ObjectionStatus, RefundReason, RefundStatus
from muang.billing.selectors import amount_due_of, arrears_report
from muang.billing.services.bills import bill_mark_notified
from muang.billing.services.disputes import (
    objection_decide,
    objection_deemed_accepted,
    objection_file,
    refund_record,
    refund_set_status,
)
from muang.billing.services.letters import warning_letter_received, warning_letters_issue
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import cashier_actor, issue
from muang.core.errors import AccessDenied, Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_objection_within_30_days_of_the_notice(org, admin):
    bill = issue(org)  # issued 15 February 2026
    bill_mark_notified(actor=admin, bill=bill, notified_on=dt.date(2026, 2, 20))
    bill.refresh_from_db()
    objection = objection_file(actor=admin, bill=bill, filed_on=dt.date(2026, 3, 22), reason="ที่ดินใช้ทำเกษตร")
    assert objection.status == ObjectionStatus.PENDING
    with pytest.raises(InvalidInput) as e:
        objection_file(actor=admin, bill=bill, filed_on=dt.date(2026, 3, 23), reason="late")
    assert "filed_on" in e.value.field_errors
    assert objection_deemed_accepted(objection, today=dt.date(2026, 5, 22))
    objection_decide(actor=admin, objection=objection, status="rejected", decided_on=dt.date(2026, 4, 1))
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED and not objection_deemed_accepted(objection)
    with pytest.raises(Conflict):
        objection_decide(actor=admin, objection=objection, status="accepted", decided_on=dt.date(2026, 4, 2))


def test_a_cashier_may_not_record_objections(org):
    with pytest.raises(AccessDenied):
        objection_file(actor=cashier_actor(org), bill=issue(org), filed_on=dt.date(2026, 3, 1), reason="x")


def test_refund_never_more_than_paid(org, admin):
    bill = issue(org, "1000.00")
    payment = payment_record(
        actor=admin, bill=bill, amount=D("1000.00"), channel="cash", paid_on=dt.date(2026, 4, 1)
    )
    refund = refund_record(
        actor=admin, bill=bill, payment=payment, amount=D("600.00"), reason=RefundReason.OBJECTION,
        claimed_on=dt.date(2026, 6, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput):
        refund_record(
            actor=admin,
            bill=bill,
            amount=D("400.01"),
            reason=RefundReason.OTHER,
            claimed_on=dt.date(2026, 6, 1),
        )
    refund_set_status(actor=admin, refund=refund, status=RefundStatus.APPROVED)
    refund.refresh_from_db()
    refund_set_status(actor=admin, refund=refund, status=RefundStatus.PAID)
    refund.refresh_from_db()
    with pytest.raises(Conflict):
        refund_set_status(actor=admin, refund=refund, status=RefundStatus.REJECTED)


def test_refund_claims_expire_after_three_years(org, admin):
    bill = issue(org, "1000.00")
    payment = payment_record(
        actor=admin, bill=bill, amount=D("1000.00"), channel="cash", paid_on=dt.date(2026, 4, 1)
    )
    with pytest.raises(InvalidInput):
        refund_record(
            actor=admin, bill=bill, payment=payment, amount=D("1.00"), reason=RefundReason.OTHER,
            claimed_on=dt.date(2029, 4, 2),
        )  # fmt: skip


def test_warning_letter_steps_the_penalty_up(org, admin):
    overdue, current = issue(org, "1000.00"), issue(org, "1000.00", due_date=dt.date(2026, 12, 31))
    letters = warning_letters_issue(
        actor=admin, organization=org, bills=[overdue, current], issued_on=dt.date(2026, 5, 10)
    )
    assert [letter.bill_id for letter in letters] == [overdue.pk]
    assert letters[0].amount_stated == D("1110.00")  # 10% penalty + 1 month's 1% surcharge on 10 May
    assert (
        warning_letters_issue(actor=admin, organization=org, bills=[overdue], issued_on=dt.date(2026, 5, 11))
        == []
    )
    warning_letter_received(actor=admin, letter=letters[0], received_on=dt.date(2026, 5, 15))
    overdue.refresh_from_db()
    assert amount_due_of(overdue, dt.date(2026, 6, 1)).penalty == D("200.00")  # within the letter's 30 days
    assert amount_due_of(overdue, dt.date(2026, 6, 20)).penalty == D("400.00")  # after it


def test_arrears_report_as_of_a_day(org, admin):
    late = issue(org, "1000.00")
    issue(org, "5000.00", due_date=dt.date(2026, 12, 31))
    paid = issue(org, "300.00")
    payment_record(actor=admin, bill=paid, amount=D("300.00"), channel="cash", paid_on=dt.date(2026, 4, 1))
    report = arrears_report(actor=admin, organization=org, as_of=dt.date(2026, 6, 15))
    assert [r.bill.number for r in report.rows] == [late.number]
    assert (report.principal, report.penalty, report.surcharge, report.total) == (
        D("1000.00"),
        D("100.00"),
        D("20.00"),
        D("1120.00"),
    )
    assert report.rows[0].months_late == 2
    assert arrears_report(actor=admin, organization=org, as_of=dt.date(2026, 4, 30)).rows == []
