"""Objections to an assessment (ภ.ด.ส.10) and refunds (ภ.ด.ส.9, over-payments, duplicates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.access import require_on_bill
from muang.billing.models import (
    Bill,
    BillStatus,
    Objection,
    ObjectionStatus,
    Payment,
    Refund,
    RefundReason,
    RefundStatus,
)
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import _full_clean
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.services import update_audited
from muang.core.thai_dates import add_months

OBJECTION_DAYS = 30  # THAI-RULES §1: within 30 days of receiving the notice (ภ.ด.ส.10)
DECISION_DAYS = 60  # decided within 60 days, or the objection counts as accepted
REFUND_CLAIM_YEARS = 3  # ภ.ด.ส.9: a refund is claimed within 3 years of the payment


def objection_deadline(bill: Bill) -> dt.date:
    return (bill.notified_on or bill.issued_on) + dt.timedelta(days=OBJECTION_DAYS)


def objection_deemed_accepted(objection: Objection, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return objection.status == ObjectionStatus.PENDING and today > objection.filed_on + dt.timedelta(
        days=DECISION_DAYS
    )


@transaction.atomic
def objection_file(*, actor: Actor, bill: Bill, filed_on: dt.date, reason: str) -> Objection:
    """Record an objection, refused after 30 days from the notice (from its issue day if delivery is not
    recorded). The tax stays payable meanwhile (an objection does not suspend payment). Filed by staff for the
    taxpayer, or by the taxpayer themselves (a citizen principal whose grant covers the bill)."""
    require_on_bill(actor, bill, BillingPerm.OBJECTION_FILE)
    if bill.status == BillStatus.CANCELLED:
        raise Conflict(_("The bill is cancelled."))
    if not reason.strip():
        raise InvalidInput.for_field("reason", _("Give the reasons for the objection."))
    if filed_on > timezone.localdate() or filed_on < bill.issued_on:
        raise InvalidInput.for_field("filed_on", _("Between the notice and today."))
    deadline = objection_deadline(bill)
    if filed_on > deadline:
        raise InvalidInput.for_field(
            "filed_on",
            _("An objection must be filed within %(days)s days of the notice, by %(date)s.")
            % {"days": OBJECTION_DAYS, "date": deadline.isoformat()},
        )
    objection = Objection(
        organization=bill.organization,
        bill=bill,
        filed_on=filed_on,
        reason=reason.strip(),
        recorded_by=actor.user,
    )
    _full_clean(objection)
    objection.save()
    audit.record_create(actor=actor, organization=bill.organization, instance=objection)
    return objection


@transaction.atomic
def objection_decide(
    *, actor: Actor, objection: Objection, status: str, decided_on: dt.date, note: str = ""
) -> Objection:
    require(actor, objection.organization, BillingPerm.BILL_ADJUST)
    if status not in (ObjectionStatus.ACCEPTED, ObjectionStatus.PARTLY_ACCEPTED, ObjectionStatus.REJECTED):
        raise InvalidInput.for_field("status", _("Accepted, partly accepted or rejected."))
    if objection.status != ObjectionStatus.PENDING:
        raise Conflict(_("The objection is already decided."))
    if decided_on < objection.filed_on:
        raise InvalidInput.for_field("decided_on", _("A decision comes after the objection."))
    return update_audited(
        actor=actor,
        organization=objection.organization,
        instance=objection,
        data={"status": status, "decided_on": decided_on, "decision_note": note.strip()},
        allowed={"status", "decided_on", "decision_note"},
    )


@transaction.atomic
def refund_record(
    *,
    actor: Actor,
    bill: Bill,
    amount: Decimal,
    reason: str,
    claimed_on: dt.date,
    payment: Payment | None = None,
    payee_name: str = "",
    note: str = "",
) -> Refund:
    """A refund claim on a bill: never more than was paid on it less earlier refunds; within 3 years of the
    payment it refers to."""
    organization = bill.organization
    require(actor, organization, BillingPerm.BILL_ADJUST)
    if reason not in RefundReason.values:
        raise InvalidInput.for_field("reason", _("Unknown reason."))
    if amount <= 0:
        raise InvalidInput.for_field("amount", _("A positive amount."))
    bill = Bill.objects.select_for_update().get(pk=bill.pk, organization=organization)
    if payment is not None:
        if payment.bill_id != bill.pk:
            raise InvalidInput.for_field("payment", _("The payment is for another bill."))
        if claimed_on > add_months(payment.paid_on, 12 * REFUND_CLAIM_YEARS):
            raise InvalidInput.for_field(
                "claimed_on",
                _("A refund is claimed within %(y)s years of the payment.") % {"y": REFUND_CLAIM_YEARS},
            )
    paid = bill.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    refunded = bill.refunds.exclude(status=RefundStatus.REJECTED).aggregate(s=Sum("amount"))["s"] or Decimal(
        0
    )
    if amount > paid - refunded:
        raise InvalidInput.for_field(
            "amount",
            _("At most %(max)s baht can be refunded on this bill.") % {"max": f"{paid - refunded:,.2f}"},
        )
    refund = Refund.objects.create(
        organization=organization,
        bill=bill,
        payment=payment,
        payee_name=(payee_name or bill.payer_name)[:300],
        amount=amount,
        reason=reason,
        claimed_on=claimed_on,
        note=note[:300],
        recorded_by=actor.user,
    )
    audit.record_create(actor=actor, organization=organization, instance=refund)
    return refund


REFUND_TRANSITIONS = {
    RefundStatus.CLAIMED: {RefundStatus.APPROVED, RefundStatus.REJECTED},
    RefundStatus.APPROVED: {RefundStatus.PAID, RefundStatus.REJECTED},
}


@transaction.atomic
def refund_set_status(*, actor: Actor, refund: Refund, status: str, note: str = "") -> Refund:
    require(actor, refund.organization, BillingPerm.BILL_ADJUST)
    if status not in REFUND_TRANSITIONS.get(refund.status, set()):
        raise Conflict(_("A %(from)s refund cannot become %(to)s.") % {"from": refund.status, "to": status})
    return update_audited(
        actor=actor,
        organization=refund.organization,
        instance=refund,
        data={"status": status, "note": note[:300] or refund.note},
        allowed={"status", "note"},
    )
