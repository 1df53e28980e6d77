"""Keep the bills of one source kind in line with what its app says is owed: issue, re-issue, cancel, or
report a conflict. Every app that charges money (tax, waste fees, e-service fees, …) calls this one service.

The caller states, for one bill kind and year, every bill it wants by its source (:class:`WantedBill`, keyed by
a :class:`~muang.billing.sources.SourceRef` of one :class:`~muang.billing.sources.SourceKind`). Compared with
the bills in force of that kind, year and source kind:

- no bill yet → issued;
- a bill with the same amount → left alone (pressing the button twice changes nothing);
- an open bill nobody has paid anything on, with another amount → cancelled with ``reason`` and issued anew;
- an open unpaid bill whose source is no longer wanted → cancelled;
- a bill with payments whose amount changed, or that is no longer wanted → never touched, reported as a
  :class:`SyncConflict` for staff (an objection decision or a refund is the way to change it).

All in the caller's transaction, after billing's lock order (the organisation's payments lock, then the bills'
rows in pk order), with ``bills_issue``'s bulk inserts: everything is issued, or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from muang.billing.models import Bill, BillStatus
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import (
    BillDraft,
    LineDraft,
    Payer,
    bill_cancel_authorised,
    bills_issue_authorised,
)
from muang.billing.services.payments import lock_payments
from muang.billing.sources import SourceKind, SourceRef
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.core.money import ZERO


@dataclass(frozen=True)
class WantedBill:
    """One bill a source should have: what it is for, who pays, its lines and how it is paid."""

    source: SourceRef
    payer: Payer
    lines: Sequence[LineDraft]
    due_date: dt.date
    instalments: bool = False
    instalment_due_dates: Sequence[dt.date] | None = None

    @property
    def total(self) -> Decimal:
        return sum((Decimal(str(line.amount)) for line in self.lines), ZERO)


@dataclass(frozen=True)
class SyncConflict:
    """A bill with payments whose amount no longer matches what is owed: staff decide."""

    source: SourceRef | None  # None: a bill in force whose source text no longer parses
    bill_id: int
    bill_number: str
    payer_name: str
    status: str
    billed: Decimal
    paid: Decimal
    wanted: Decimal  # 0 when the source owes nothing any more


@dataclass
class SyncResult:
    issued: int = 0  # bills issued for the first time
    unchanged: int = 0  # bills in force with the wanted amount: left alone
    reissued: int = 0  # open unpaid bills cancelled and issued again with the new amount
    cancelled: int = 0  # open unpaid bills whose source owes nothing any more
    conflicts: list[SyncConflict] = field(default_factory=list)
    bill_ids: list[int] = field(default_factory=list)  # the bills issued or re-issued now
    issued_total: Decimal = ZERO  # baht on the bills issued or re-issued now


def require_issue(actor: Actor, organization: Organization, source_kind: SourceKind) -> None:
    """Refuse unless the actor may issue bills of `source_kind`: billing's `bill.issue`, or the kind's own
    `issue_perm` when it names one."""
    if source_kind.issue_perm and actor.has_perm(organization, source_kind.issue_perm):
        return
    require(actor, organization, BillingPerm.BILL_ISSUE)


def _untouched(bill: Bill, paid_something: set[int]) -> bool:
    return bill.status == BillStatus.OPEN and bill.pk not in paid_something and not bill.paid_principal


@transaction.atomic
def bills_sync(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    year: int,
    source_kind: SourceKind,
    wanted: Sequence[WantedBill],
    issued_on: dt.date,
    reason: str,
    within: str = "",
) -> SyncResult:
    """Bring the bills of ``kind``, ``year`` and ``source_kind`` in line with ``wanted`` (see the module).

    ``within`` narrows the comparison to the sources whose key starts with it: a fee billed every month keys
    its bills ``<period>.<id>`` and syncs one period at a time (``within="202603."``), leaving the other
    months' bills of the year alone.

    Billing's `bill.issue` authorises any sync; a source kind that names its own `issue_perm` also lets whoever
    holds that permission sync (issue, re-issue, cancel) the bills of that kind, and only those: a finance
    officer who may create a miscellaneous charge issues its bill in their own name (`issued_by`, the audit)."""
    require_issue(actor, organization, source_kind)
    by_source = checked_wanted(wanted, source_kind=source_kind, within=within, reason=reason)

    lock_payments(organization.pk)  # billing's lock order: the payments lock, then the bills' rows
    in_force = list(
        Bill.objects.select_for_update()
        .filter(
            organization=organization,
            kind=kind,
            year=year,
            source_ref__startswith=source_kind.prefix + within,
            cancelled_at__isnull=True,
        )
        .order_by("pk")
    )
    result = SyncResult()
    to_cancel, drafts = compare(
        kind=kind,
        year=year,
        by_source=by_source,
        in_force=in_force,
        paid_something=paid_bills(organization, in_force),
        result=result,
    )
    for bill in to_cancel:
        bill_cancel_authorised(actor=actor, bill=bill, reason=reason)
    if drafts:
        bills = bills_issue_authorised(
            actor=actor, organization=organization, drafts=drafts, issued_on=issued_on
        )
        result.bill_ids = [b.pk for b in bills]
        result.issued_total = sum((b.amount for b in bills), ZERO)
    return result


def checked_wanted(
    wanted: Sequence[WantedBill], *, source_kind: SourceKind, within: str, reason: str
) -> dict[SourceRef, WantedBill]:
    """The wanted bills by source, after the checks every sync makes (`bills_sync`, `bills_sync_set`): each of
    ``source_kind`` within ``within``, none twice, and a reason for what may be cancelled and issued again."""
    by_source: dict[SourceRef, WantedBill] = {}
    for want in wanted:
        if want.source.kind != source_kind or not want.source.key.startswith(within):
            raise InvalidInput.for_field(
                "source",
                _("%(ref)s is not a source of kind %(kind)s.")
                % {"ref": want.source, "kind": f"{source_kind}:{within}"},
            )
        if want.source in by_source:
            raise InvalidInput.for_field("source", _("%(ref)s is wanted twice.") % {"ref": want.source})
        by_source[want.source] = want
    if not reason.strip():
        raise InvalidInput.for_field("reason", _("Say why bills may be cancelled and issued again."))
    return by_source


def paid_bills(organization: Organization, in_force) -> set[int]:
    """The pks of the bills in ``in_force`` that have a payment (one query)."""
    return set(
        Bill.objects.filter(
            organization=organization, pk__in=[b.pk for b in in_force], payments__isnull=False
        ).values_list("pk", flat=True)
    )


def compare(
    *, kind: str, year: int, by_source: dict[SourceRef, WantedBill], in_force, paid_something, result
):
    """The sync's decision (the module's rules), bill by bill: counts into ``result`` (issued, unchanged,
    re-issued, cancelled, conflicts) and returns (the bills in force to cancel, the drafts to issue in the
    wanted order). ``in_force`` are the bills of the comparison (rows with pk, source_ref, amount, status,
    paid_principal, number, payer_name), ``paid_something`` the pks of those with payments."""
    to_cancel = []
    drafts: list[BillDraft] = []  # in the caller's order, so bill numbers follow it
    by_text = {bill.source_ref: bill for bill in in_force}
    for source, want in by_source.items():
        bill = by_text.get(str(source))
        if bill is None:
            drafts.append(_draft(kind, year, want))
            result.issued += 1
        elif bill.amount == want.total:
            result.unchanged += 1
        elif _untouched(bill, paid_something):
            to_cancel.append(bill)
            drafts.append(_draft(kind, year, want))
            result.reissued += 1
        else:
            result.conflicts.append(_conflict(bill, source, want.total))
    wanted_texts = {str(source) for source in by_source}
    for bill in in_force:
        if bill.source_ref in wanted_texts:
            continue
        if _untouched(bill, paid_something):
            to_cancel.append(bill)
            result.cancelled += 1
        else:
            result.conflicts.append(_conflict(bill, SourceRef.parse_or_none(bill.source_ref), ZERO))
    return to_cancel, drafts


def _draft(kind: str, year: int, want: WantedBill) -> BillDraft:
    return BillDraft(
        kind=kind,
        year=year,
        payer=want.payer,
        lines=want.lines,
        due_date=want.due_date,
        source_ref=str(want.source),
        instalments=want.instalments,
        instalment_due_dates=want.instalment_due_dates,
    )


def _conflict(bill: Bill, source: SourceRef | None, wanted: Decimal) -> SyncConflict:
    return SyncConflict(
        source=source,
        bill_id=bill.pk,
        bill_number=bill.number,
        payer_name=bill.payer_name,
        status=bill.status,
        billed=bill.amount,
        paid=bill.paid_principal,
        wanted=wanted,
    )
