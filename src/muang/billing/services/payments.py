"""Payments at the counter (cash, cheque, transfer) and the numbered receipts every payment gets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.dues import allocate, amount_due
from muang.billing.models import (
    BankStatementLine,
    Bill,
    BillingProfile,
    BillStatus,
    Instalment,
    Payment,
    PaymentChannel,
    Receipt,
)
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import charge_context, instalment_states
from muang.billing.services.numbers import reserve_numbers
from muang.core import audit, thai_dates
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.money import SATANG

COUNTER_CHANNELS = frozenset({PaymentChannel.CASH, PaymentChannel.CHEQUE, PaymentChannel.TRANSFER})


def bill_status_for(amount: Decimal, paid_principal: Decimal) -> str:
    if paid_principal >= amount:
        return BillStatus.PAID
    return BillStatus.PARTLY_PAID if paid_principal > 0 else BillStatus.OPEN


# Payments on one organisation's bills: any number of single payments at once (each holds this lock shared,
# then its bill's row lock), or one bank statement import (holds it exclusively, so it can apply 100,000
# payments without taking 100,000 row locks).
PAYMENTS_LOCK_NAMESPACE = 0x4D42  # "MB": Muang billing; the second key is the organisation id


def lock_payments(organization_id: int, *, exclusive: bool = False) -> None:
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [PAYMENTS_LOCK_NAMESPACE, organization_id])


def lock_bill(bill: Bill) -> tuple[Bill, list[Instalment]]:
    """The bill, locked (the organisation's payments lock shared, then the bill's row: one lock order
    everywhere, so payments queue instead of deadlocking), and its instalments (never changed by payments).
    Re-read by id and organisation together: a bill object from elsewhere never reaches another tenant's row."""
    organization_id = bill.organization_id
    lock_payments(organization_id)
    bill = (
        Bill.objects.select_for_update()
        .select_related("organization")
        .get(pk=bill.pk, organization_id=organization_id)
    )
    instalments = Instalment.objects.filter(organization_id=organization_id, bill=bill).order_by("seq")
    return bill, list(instalments)


def receipt_number(prefix: str, fiscal_year: int, seq: int) -> str:
    return f"{prefix}{fiscal_year}-{seq:06d}"


def issue_receipts(
    *,
    actor: Actor,
    organization: Organization,
    payments: Sequence[Payment],
    issued_at: dt.datetime | None = None,
) -> list[Receipt]:
    """Number receipts for ``payments`` in order, without gaps, in the current fiscal year. Runs inside the
    caller's transaction (the counter row is locked until it commits)."""
    issued_at = issued_at or timezone.now()
    fiscal_year = thai_dates.fiscal_year(timezone.localtime(issued_at).date())
    prefix = (
        BillingProfile.objects.filter(organization=organization)
        .values_list("receipt_prefix", flat=True)
        .first()
        or ""
    )
    seqs = reserve_numbers(
        organization_id=organization.pk, name="receipt", year=fiscal_year, count=len(payments)
    )
    receipts = [
        Receipt(
            organization=organization,
            payment=payment,
            fiscal_year=fiscal_year,
            seq=seq,
            number=receipt_number(prefix, fiscal_year, seq),
            issued_at=issued_at,
            issued_by=actor.user,
        )
        for payment, seq in zip(payments, seqs, strict=True)
    ]
    return Receipt.objects.bulk_create(receipts, batch_size=5000)


def apply_payment(
    *,
    actor: Actor,
    bill: Bill,
    instalments: list[Instalment],
    amount: Decimal,
    paid_on: dt.date,
    channel: str,
    reference: str = "",
    cheque_bank: str = "",
    cheque_number: str = "",
    note: str = "",
    bank_line: BankStatementLine | None = None,
) -> Payment:
    """Record a payment on a bill the caller has locked (:func:`lock_bill`) and checked permission for."""
    if bill.status == BillStatus.CANCELLED:
        raise Conflict(_("Bill %(number)s is cancelled: it cannot be paid.") % {"number": bill.number})
    if amount <= 0 or amount != amount.quantize(SATANG):
        raise InvalidInput.for_field("amount", _("A positive amount in baht with at most 2 decimals."))
    ctx = charge_context(bill)
    states = instalment_states(bill, instalments)
    due = amount_due(states, paid_on, ctx)
    if due.total <= 0:
        raise Conflict(_("Bill %(number)s is already paid in full.") % {"number": bill.number})
    if amount > due.total:
        raise InvalidInput.for_field(
            "amount",
            _("%(amount)s baht is more than the %(due)s baht due on bill %(number)s.")
            % {"amount": f"{amount:,.2f}", "due": f"{due.total:,.2f}", "number": bill.number},
        )
    allocation = allocate(amount, states, paid_on, ctx)
    payment = Payment.objects.create(
        organization=bill.organization,
        bill=bill,
        channel=channel,
        paid_on=paid_on,
        amount=amount,
        principal=allocation.principal,
        penalty=allocation.penalty,
        surcharge=allocation.surcharge,
        allocations=[p.as_json() for p in allocation.parts],
        reference=reference[:100],
        cheque_bank=cheque_bank[:100],
        cheque_number=cheque_number[:40],
        note=note[:300],
        bank_line=bank_line,
        recorded_by=actor.user,
    )
    bill.paid_principal += allocation.principal
    bill.paid_penalty += allocation.penalty
    bill.paid_surcharge += allocation.surcharge
    bill.status = bill_status_for(bill.amount, bill.paid_principal)
    bill.save(update_fields=["paid_principal", "paid_penalty", "paid_surcharge", "status"])
    (receipt,) = issue_receipts(actor=actor, organization=bill.organization, payments=[payment])
    changes = audit.diff({}, audit.snapshot(payment))
    changes["receipt"] = [None, receipt.number]
    audit.record(
        actor=actor,
        organization=bill.organization,
        instance=payment,
        action=AuditEntry.Action.CREATE,
        changes=changes,
    )
    return payment


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    bill: Bill,
    amount: Decimal,
    channel: str,
    paid_on: dt.date | None = None,
    reference: str = "",
    cheque_bank: str = "",
    cheque_number: str = "",
    note: str = "",
) -> Payment:
    """A payment at the counter, with its receipt. Refused when larger than what is due that day (tax,
    penalty and surcharge), when the bill is cancelled or already paid; then nothing is written."""
    require(actor, bill.organization, BillingPerm.PAYMENT_RECORD)
    if channel not in COUNTER_CHANNELS:
        raise InvalidInput.for_field("channel", _("Cash, cheque or transfer."))
    if channel == PaymentChannel.CHEQUE and not cheque_number.strip():
        raise InvalidInput.for_field("cheque_number", _("Give the cheque number."))
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise InvalidInput.for_field("paid_on", _("A payment cannot be dated in the future."))
    if paid_on < bill.issued_on:
        raise InvalidInput.for_field("paid_on", _("A payment cannot be dated before the bill was issued."))
    locked, instalments = lock_bill(bill)
    return apply_payment(
        actor=actor,
        bill=locked,
        instalments=instalments,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        reference=reference,
        cheque_bank=cheque_bank,
        cheque_number=cheque_number,
        note=note,
    )


def receipts_per_fiscal_year(organization: Organization) -> dict[int, list[int]]:
    """Receipt sequence numbers by fiscal year (for checks and tests: they must run 1..n without gaps)."""
    out: dict[int, list[int]] = defaultdict(list)
    for fy, seq in (
        Receipt.objects.filter(organization=organization)
        .order_by("fiscal_year", "seq")
        .values_list("fiscal_year", "seq")
    ):
        out[fy].append(seq)
    return dict(out)
