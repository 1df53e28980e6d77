"""The bill sync: any app's bills, keyed by their source, issued, left alone, re-issued, cancelled or reported.

A waste-fee source stands for "any later charge": the sync knows nothing of property."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.models import Bill, BillKind, BillStatus
from muang.billing.services.bills import LineDraft, Payer
from muang.billing.services.payments import payment_record
from muang.billing.services.sync import WantedBill, bills_sync
from muang.billing.sources import SourceKind
from muang.billing.tests.factories import billing_organization, cashier_actor, issue
from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, InvalidInput

pytestmark = pytest.mark.django_db
HOUSEHOLD = SourceKind("waste", "household")
SHOP = SourceKind("waste", "shop")
ISSUED_ON = dt.date(2026, 1, 10)
DUE = dt.date(2026, 1, 31)


def want(key, amount, kind=HOUSEHOLD):
    return WantedBill(
        source=kind.ref(key),
        payer=Payer(name=f"บ้านเลขที่ {key}"),
        lines=[LineDraft(description="ค่าเก็บขยะ", amount=D(amount), source_ref=str(kind.ref(key)))],
        due_date=DUE,
    )


def sync(org, wanted, actor=SYSTEM, source_kind=HOUSEHOLD):
    return bills_sync(
        actor=actor,
        organization=org,
        kind=BillKind.WASTE_FEE,
        year=2026,
        source_kind=source_kind,
        wanted=wanted,
        issued_on=ISSUED_ON,
        reason="ปรับอัตรา",
    )


def in_force(org):
    return dict(
        Bill.objects.filter(organization=org, cancelled_at__isnull=True).values_list("source_ref", "amount")
    )


def test_first_sync_issues_one_bill_per_source_in_the_callers_order(org):
    result = sync(org, [want(2, "240.00"), want(1, "120.00")])
    assert (result.issued, result.unchanged, result.reissued, result.cancelled) == (2, 0, 0, 0)
    assert result.issued_total == D("360.00")
    numbers = dict(Bill.objects.filter(pk__in=result.bill_ids).values_list("source_ref", "number"))
    assert numbers == {"waste:household:2": "WF2569000001", "waste:household:1": "WF2569000002"}


def test_second_sync_with_the_same_amounts_changes_nothing(org):
    sync(org, [want(1, "120.00")])
    result = sync(org, [want(1, "120.00")])
    assert (result.issued, result.unchanged, result.bill_ids) == (0, 1, [])
    assert Bill.objects.filter(organization=org).count() == 1


def test_a_changed_amount_on_an_unpaid_bill_is_reissued_and_a_gone_source_cancelled(org):
    sync(org, [want(1, "120.00"), want(2, "240.00")])
    result = sync(org, [want(1, "150.00")])
    assert (result.reissued, result.cancelled, result.issued) == (1, 1, 0)
    assert in_force(org) == {"waste:household:1": D("150.00")}
    cancelled = Bill.objects.filter(organization=org, status=BillStatus.CANCELLED)
    assert sorted(cancelled.values_list("cancel_reason", flat=True)) == ["ปรับอัตรา", "ปรับอัตรา"]


def test_a_paid_bill_is_never_touched_but_reported(org):
    sync(org, [want(1, "120.00"), want(2, "240.00")])
    paid = Bill.objects.get(organization=org, source_ref="waste:household:1")
    payment_record(
        actor=cashier_actor(org), bill=paid, amount=D("50.00"), channel="cash", paid_on=dt.date(2026, 1, 20)
    )
    result = sync(org, [want(1, "150.00")])
    assert result.reissued == 0 and result.cancelled == 1
    (conflict,) = result.conflicts
    assert (conflict.source, conflict.bill_id, conflict.billed, conflict.paid, conflict.wanted) == (
        HOUSEHOLD.ref(1), paid.pk, D("120.00"), D("50.00"), D("150.00")
    )  # fmt: skip
    assert in_force(org) == {"waste:household:1": D("120.00")}


def test_other_source_kinds_other_kinds_and_other_organisations_are_left_alone(org):
    sync(org, [want(1, "100.00", SHOP)], source_kind=SHOP)
    land = issue(org, "500.00", source_ref="property:owner:1")
    other = billing_organization()
    sync(other, [want(1, "120.00")])
    result = sync(org, [])
    assert (result.cancelled, result.conflicts) == (0, [])
    assert in_force(org) == {"waste:shop:1": D("100.00"), land.source_ref: D("500.00")}
    assert in_force(other) == {"waste:household:1": D("120.00")}


def test_wrong_source_kinds_duplicates_and_no_reason_are_refused_before_anything_is_written(org):
    with pytest.raises(InvalidInput):
        sync(org, [want(1, "100.00", SHOP)])
    with pytest.raises(InvalidInput):
        sync(org, [want(1, "100.00"), want(1, "200.00")])
    with pytest.raises(InvalidInput):
        bills_sync(
            actor=SYSTEM, organization=org, kind=BillKind.WASTE_FEE, year=2026, source_kind=HOUSEHOLD,
            wanted=[want(1, "100.00")], issued_on=ISSUED_ON, reason=" ",
        )  # fmt: skip
    assert not Bill.objects.filter(organization=org).exists()


def test_staff_without_the_issue_permission_cannot_sync(org):
    with pytest.raises(AccessDenied):
        sync(org, [want(1, "120.00")], actor=cashier_actor(org))
    other = billing_organization()
    with pytest.raises(AccessDenied):
        sync(other, [want(1, "120.00")], actor=cashier_actor(org))


def test_bills_issue_refuses_a_malformed_source_reference(org):
    with pytest.raises(InvalidInput) as e:
        issue(org, source_ref="owner 42")
    assert "source_ref" in e.value.field_errors
