"""Miscellaneous fees: a market stall or copies billed through the shared bill sync, paid once with a receipt."""

from decimal import Decimal

import pytest

from muang.billing.models import Bill, PaymentChannel, Receipt
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import cashier_actor
from muang.core.access import Actor
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.eservices.models import MiscCharge
from muang.eservices.services import misc_charge_create
from muang.eservices.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def charge(org, actor, **kw):
    args = {
        "kind": "market_stall",
        "payer_name": "นางมาลี ค้าขาย",
        "description": "แผงตลาดสด เดือนมีนาคม",
        "quantity": 2,
        "unit_price": Decimal("150.50"),
        "now": NOW,
    }
    args.update(kw)
    return misc_charge_create(actor=actor, organization=org, **args)


def test_a_charge_is_billed_paid_once_and_receipted(org):
    cashier = cashier_actor(org)
    first = charge(org, cashier)
    second = charge(
        org, cashier, kind="copies", description="สำเนาเอกสาร", quantity=10, unit_price=Decimal("1")
    )
    assert (first.number, first.amount) == ("MC2569000001", Decimal("301.00"))
    bill = Bill.objects.get(number=first.bill_number)
    assert bill.source_ref == "eservice:charge:MC2569000001" and bill.amount == Decimal("301.00")
    assert Bill.objects.get(number=second.bill_number).amount == Decimal("10.00")
    assert Bill.objects.filter(cancelled_at__isnull=True).count() == 2  # the second sync kept the first bill
    payment = payment_record(actor=cashier, bill=bill, amount=Decimal("301.00"), channel=PaymentChannel.CASH)
    assert Receipt.objects.filter(payment=payment).exists()
    with pytest.raises(Conflict):
        payment_record(actor=cashier, bill=bill, amount=Decimal("301.00"), channel=PaymentChannel.CASH)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "parking"}, "kind"),
        ({"quantity": 0}, "quantity"),
        ({"unit_price": Decimal("0.001")}, "unit_price"),
        ({"unit_price": Decimal("-5")}, "unit_price"),
        ({"payer_name": ""}, "payer_name"),
        ({"unit_price": Decimal("999999"), "quantity": 5}, "unit_price"),
    ],
)
def test_a_bad_charge_names_its_field_and_writes_nothing(org, change, field):
    with pytest.raises(InvalidInput) as e:
        charge(org, cashier_actor(org), **change)
    assert field in e.value.field_errors
    assert not MiscCharge.objects.exists() and not Bill.objects.exists()


def test_only_finance_staff_charge(org, officer):
    with pytest.raises(AccessDenied):
        charge(org, officer)
    assert isinstance(officer, Actor)


def test_the_charge_bill_is_issued_in_the_finance_officers_name_not_the_platforms(org):
    from muang.billing.services.bills import LineDraft, Payer
    from muang.billing.services.sync import WantedBill, bills_sync
    from muang.core.models import AuditEntry
    from muang.eservices.services import APPLICATION_SOURCE

    cashier = cashier_actor(org)
    assert not cashier.has_perm(org, "bill.issue")  # an officer of กองคลัง: no general right to issue bills
    made = charge(org, cashier)
    bill = Bill.objects.get(number=made.bill_number)
    assert bill.issued_by_id == cashier.user.pk
    entry = AuditEntry.objects.get(object_type="billing.Bill", object_id=str(bill.pk))
    assert entry.actor_user_id == cashier.user.pk and entry.action == AuditEntry.Action.CREATE
    # The charge's permission issues charge bills only: not an application's fee, nor any other kind.
    with pytest.raises(AccessDenied):
        bills_sync(
            actor=cashier,
            organization=org,
            kind=bill.kind,
            year=bill.year,
            source_kind=APPLICATION_SOURCE,
            wanted=[
                WantedBill(
                    source=APPLICATION_SOURCE.ref("ES2569000009"),
                    payer=Payer(name="ผู้ใดผู้หนึ่ง"),
                    lines=[LineDraft(description="ค่าธรรมเนียม", amount=Decimal("100.00"))],
                    due_date=bill.due_date,
                )
            ],
            issued_on=bill.issued_on,
            reason="ทดสอบ",
        )
    assert Bill.objects.count() == 1
