"""Issuing bills: numbers (Ref1), instalments, validation, nothing half-written."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.models import Bill, BillKind, BillLine, BillStatus, Instalment
from muang.billing.services.bills import BillDraft, LineDraft, Payer, bill_cancel, bills_issue
from muang.billing.tests.factories import cashier_actor, issue, revenue_member
from muang.core.access import Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


def test_given_no_number_when_issued_then_ref1_is_kind_year_and_running_number(org):
    first, second = issue(org), issue(org)
    assert (first.number, second.number) == ("LB2569000001", "LB2569000002")
    assert first.ref2 == "2569" and first.status == BillStatus.OPEN
    sign = issue(org, kind=BillKind.SIGNBOARD_TAX)
    assert sign.number == "SB2569000001"


@pytest.mark.parametrize("number", ["lb-2569/1", "LB 1", "ทดสอบ", "A" * 21, ""])
def test_ref1_with_characters_the_standard_does_not_allow_is_refused_and_nothing_written(org, number):
    before = (Bill.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput) as e:
        issue(org, number=number)
    assert "number" in e.value.field_errors
    assert (Bill.objects.count(), AuditEntry.objects.count()) == before


def test_instalments_split_exactly_to_the_satang_first_one_takes_the_remainder(org):
    bill = issue(org, "10000.00", instalments=True)
    rows = list(Instalment.objects.filter(bill=bill).order_by("seq").values_list("amount", "due_date"))
    assert rows == [
        (D("3333.34"), dt.date(2026, 4, 30)),
        (D("3333.33"), dt.date(2026, 5, 30)),
        (D("3333.33"), dt.date(2026, 6, 30)),
    ]
    assert sum(a for a, _ in rows) == bill.amount


def test_instalments_below_3000_baht_are_refused(org):
    with pytest.raises(InvalidInput) as e:
        issue(org, "2999.99", instalments=True)
    assert "instalments" in e.value.field_errors


def test_fees_cannot_be_split(org):
    with pytest.raises(InvalidInput):
        issue(org, "5000.00", kind=BillKind.WASTE_FEE, instalments=True)


def test_a_bill_without_instalments_has_one_for_its_whole_amount(org):
    bill = issue(org, "1234.56")
    assert list(bill.instalments.values_list("seq", "amount")) == [(1, D("1234.56"))]


def test_wrong_check_digit_on_payer_id_is_refused(org):
    with pytest.raises(InvalidInput) as e:
        bills_issue(
            actor=Actor(system=True),
            organization=org,
            drafts=[
                BillDraft(
                    kind=BillKind.WASTE_FEE,
                    year=2026,
                    payer=Payer(name="x", tax_id="1101700230709"),
                    lines=[LineDraft("ค่าขยะ", D("240.00"))],
                    due_date=dt.date(2026, 12, 31),
                )
            ],
        )
    assert "payer.tax_id" in e.value.field_errors


def test_many_bills_in_one_call_all_or_nothing_errors_named_by_index(org, admin):
    good = BillDraft(
        kind=BillKind.WASTE_FEE,
        year=2026,
        payer=Payer(name="ก"),
        lines=[LineDraft("ค่าขยะ", D("240.00"))],
        due_date=dt.date(2026, 12, 31),
    )
    bad = BillDraft(
        kind=BillKind.WASTE_FEE,
        year=2026,
        payer=Payer(name="ข"),
        lines=[LineDraft("ค่าขยะ", D("-1"))],
        due_date=dt.date(2026, 12, 31),
    )
    with pytest.raises(InvalidInput) as e:
        bills_issue(actor=admin, organization=org, drafts=[good, bad], issued_on=dt.date(2026, 1, 5))
    assert list(e.value.field_errors) == ["1.lines.0.amount"]
    assert Bill.objects.count() == 0
    bills = bills_issue(actor=admin, organization=org, drafts=[good, good], issued_on=dt.date(2026, 1, 5))
    assert [b.number for b in bills] == ["WF2569000001", "WF2569000002"]
    assert BillLine.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="billing.Bill", action="create").count() == 2


def test_a_source_is_billed_once_per_year_until_cancelled(org, admin):
    first = issue(org, source_ref="property:owner:7")
    with pytest.raises(Conflict):
        issue(org, source_ref="property:owner:7")
    bill_cancel(actor=admin, bill=first, reason="re-assessed")
    # The refused issue gave its number back (bill numbers have no gaps).
    assert issue(org, source_ref="property:owner:7").number == "LB2569000002"


def test_a_revenue_officer_may_not_issue_but_the_revenue_head_may(org):
    with pytest.raises(AccessDenied):
        issue(org, actor=cashier_actor(org))
    head = Actor(user=revenue_member(org, Role.DEPARTMENT_HEAD))
    assert issue(org, actor=head).issued_by == head.user


def test_an_officer_of_another_department_may_not(org):
    from muang.core.tests.factories import member

    with pytest.raises(AccessDenied):
        issue(org, actor=Actor(user=member(org, Role.DEPARTMENT_HEAD)))
