"""The billing profile, and issuing and cancelling bills (one at a time, or a whole assessment run at once)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing import thaiqr
from muang.billing.dues import split_instalments
from muang.billing.models import (
    BILL_NUMBER_PREFIX,
    INSTALMENT_KINDS,
    Bill,
    BillingProfile,
    BillKind,
    BillLine,
    BillStatus,
    Instalment,
)
from muang.billing.permissions import BillingPerm
from muang.billing.services.numbers import reserve_numbers
from muang.billing.sources import SourceRef
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.bulk import copy_create
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.money import SATANG
from muang.core.services import update_audited
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET, add_months
from muang.core.thai_id import is_valid_tax_id, normalize_thai_id

REF_RE = re.compile(r"[A-Z0-9]{1,20}")
PROFILE_FIELDS = frozenset(
    {
        "biller_id",
        "bank_accounts",
        "receipt_prefix",
        "instalment_minimum",
        "warning_deadline_days",
        "signatory_name",
        "signatory_title",
        "payment_places",
    }
)


def _full_clean(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


# --- billing profile --------------------------------------------------------------------------------------------


def profile_of(organization: Organization) -> BillingProfile:
    """The organisation's billing profile; bills cannot be issued before it exists (no QR without a biller)."""
    profile = BillingProfile.objects.filter(organization=organization).first()
    if profile is None:
        raise Conflict(
            _("%(org)s has no billing profile yet: enter its biller ID first.") % {"org": organization}
        )
    return profile


@transaction.atomic
def billing_profile_set(*, actor: Actor, organization: Organization, **data: Any) -> BillingProfile:
    """Create or change the organisation's billing profile (biller ID, bank accounts, numbering)."""
    require(actor, organization, BillingPerm.BILLING_CONFIGURE)
    if unknown := set(data) - PROFILE_FIELDS:
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be changed here."))
    profile = BillingProfile.objects.select_for_update().filter(organization=organization).first()
    if profile is None:
        profile = BillingProfile(organization=organization, **data)
        _full_clean(profile)
        profile.save()
        audit.record_create(actor=actor, organization=organization, instance=profile)
    else:
        profile = update_audited(
            actor=actor, organization=organization, instance=profile, data=data, allowed=PROFILE_FIELDS
        )
    return profile


# --- issuing bills -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payer:
    name: str
    tax_id: str = ""
    address: str = ""


@dataclass(frozen=True)
class LineDraft:
    description: str
    amount: Decimal
    source_ref: str = ""


@dataclass(frozen=True)
class BillDraft:
    """One bill to issue. ``number`` (Ref1) is generated when not given: kind prefix, B.E. year, running
    number, e.g. ``LB2569000042``. ``instalments`` asks for the three-instalment split (tax ≥ the profile's
    minimum, 3,000 baht by default); its due dates default to ``due_date`` and one and two months later."""

    kind: str
    year: int
    payer: Payer
    lines: Sequence[LineDraft]
    due_date: dt.date
    source_ref: str = ""
    number: str | None = None
    instalments: bool = False
    instalment_due_dates: Sequence[dt.date] | None = None
    extra: dict = field(default_factory=dict, compare=False)


def bill_issue(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    year: int,
    payer: Payer,
    lines: Sequence[LineDraft],
    due_date: dt.date,
    source_ref: str = "",
    number: str | None = None,
    instalments: bool = False,
    instalment_due_dates: Sequence[dt.date] | None = None,
    issued_on: dt.date | None = None,
) -> Bill:
    draft = BillDraft(
        kind=kind,
        year=year,
        payer=payer,
        lines=lines,
        due_date=due_date,
        source_ref=source_ref,
        number=number,
        instalments=instalments,
        instalment_due_dates=instalment_due_dates,
    )
    return bills_issue(actor=actor, organization=organization, drafts=[draft], issued_on=issued_on)[0]


def _money(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount != amount.quantize(SATANG):
        return None
    return amount


def _validate(
    draft: BillDraft, profile: BillingProfile, issued_on: dt.date, prefix: str
) -> tuple[dict[str, list[str]], Decimal, tuple[dt.date, ...]]:
    errors: dict[str, list[str]] = defaultdict(list)

    def err(name: str, message: str) -> None:
        errors[prefix + name].append(str(message))

    if draft.kind not in BillKind.values:
        err("kind", _("Unknown kind of bill."))
    if not 2000 <= draft.year <= 2200:
        err("year", _("Give the year in the Christian Era, e.g. 2026."))
    if draft.number is not None and not REF_RE.fullmatch(draft.number):
        err("number", _("A bill number (Ref1) has 1–20 characters, only capital letters A–Z and digits 0–9."))
    if len(draft.source_ref) > 100:
        err("source_ref", _("At most 100 characters."))
    elif SourceRef.parse_or_none(draft.source_ref) is None and draft.source_ref:
        err("source_ref", _("Write the source as app:kind:key, e.g. property:owner:42."))
    if not draft.payer.name.strip():
        err("payer.name", _("Name the payer."))
    if draft.payer.tax_id and not is_valid_tax_id(draft.payer.tax_id):
        err("payer.tax_id", _("Not a valid 13-digit national ID or tax ID (check digit)."))
    total = Decimal(0)
    if not draft.lines:
        err("lines", _("A bill needs at least one line."))
    for i, line in enumerate(draft.lines):
        amount = _money(line.amount)
        if amount is None or amount <= 0:
            err(f"lines.{i}.amount", _("A positive amount in baht with at most 2 decimals (satang)."))
        else:
            total += amount
        if not line.description.strip():
            err(f"lines.{i}.description", _("Describe the line."))
        if line.source_ref and SourceRef.parse_or_none(line.source_ref) is None:
            err(f"lines.{i}.source_ref", _("Write the source as app:kind:key, e.g. property:owner:42."))
    if total > thaiqr.MAX_AMOUNT:
        err("lines", _("The total is too large."))
    if draft.due_date < issued_on:
        err("due_date", _("The due date cannot be before the issue date."))
    due_dates: tuple[dt.date, ...] = (draft.due_date,)
    if draft.instalments:
        if draft.kind not in INSTALMENT_KINDS:
            err("instalments", _("This kind of charge cannot be paid in instalments."))
        elif total < profile.instalment_minimum:
            err(
                "instalments",
                _("Instalments are allowed from %(min)s baht.")
                % {"min": f"{profile.instalment_minimum:,.2f}"},
            )
        due_dates = tuple(
            draft.instalment_due_dates or (draft.due_date, *(add_months(draft.due_date, k) for k in (1, 2)))
        )
        if len(due_dates) != 3 or any(b <= a for a, b in pairwise(due_dates)):
            err("instalment_due_dates", _("Give three due dates, each later than the one before."))
        elif due_dates[0] != draft.due_date:
            err("instalment_due_dates", _("The first instalment is due on the bill's due date."))
    if not errors and draft.number is not None:
        try:  # exactly what will be printed on the notice must be encodable
            thaiqr.build_bill_payment(
                biller_id=profile.biller_id, ref1=draft.number, ref2=str(draft.year + BUDDHIST_ERA_OFFSET)
            )
        except thaiqr.InvalidQRField as e:
            err("number", e.problem)
    return errors, total, due_dates


@transaction.atomic
def bills_issue(
    *,
    actor: Actor,
    organization: Organization,
    drafts: Sequence[BillDraft],
    issued_on: dt.date | None = None,
) -> list[Bill]:
    """Issue many bills in one transaction, with bulk inserts: all are issued, or none (each error reported).

    The property app calls this at the end of an assessment run; one audit entry is written per bill."""
    require(actor, organization, BillingPerm.BILL_ISSUE)
    return bills_issue_authorised(actor=actor, organization=organization, drafts=drafts, issued_on=issued_on)


def bills_issue_authorised(
    *,
    actor: Actor,
    organization: Organization,
    drafts: Sequence[BillDraft],
    issued_on: dt.date | None = None,
) -> list[Bill]:
    """`bills_issue` once the caller has established the actor's right: billing's sync, which also lets a
    source kind's own permission issue that kind's bills (`SourceKind.issue_perm`). The acting user is the
    bills' `issued_by` and is in their audit entries."""
    profile = profile_of(organization)
    issued_on = issued_on or timezone.localdate()
    single = len(drafts) == 1
    errors: dict[str, list[str]] = {}
    checked = []
    for i, draft in enumerate(drafts):
        draft_errors, total, due_dates = _validate(draft, profile, issued_on, "" if single else f"{i}.")
        errors.update(draft_errors)
        checked.append((draft, total, due_dates))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, field_errors=errors)

    numbers = _assign_numbers(organization, drafts)
    bills = [
        Bill(
            organization=organization,
            number=numbers[i],
            ref2=str(draft.year + BUDDHIST_ERA_OFFSET),
            kind=draft.kind,
            year=draft.year,
            source_ref=draft.source_ref,
            payer_name=draft.payer.name.strip(),
            payer_tax_id=normalize_thai_id(draft.payer.tax_id),
            payer_address=draft.payer.address.strip(),
            amount=total,
            issued_on=issued_on,
            due_date=draft.due_date,
            has_instalments=draft.instalments,
            issued_by=actor.user,
        )
        for i, (draft, total, _due) in enumerate(checked)
    ]
    try:
        with transaction.atomic():
            copy_create(bills)  # COPY: a monthly fee run issues hundreds of thousands at once
    except (IntegrityError, psycopg.IntegrityError) as e:
        raise Conflict(
            _("A bill number is already used, or one of these sources is already billed for this year.")
        ) from e
    lines, instalments = [], []
    for bill, (draft, total, due_dates) in zip(bills, checked, strict=True):
        for pos, line in enumerate(draft.lines, start=1):
            lines.append(
                BillLine(
                    organization=organization,
                    bill=bill,
                    position=pos,
                    description=line.description.strip(),
                    source_ref=line.source_ref,
                    amount=Decimal(str(line.amount)),
                )
            )
        amounts = split_instalments(total) if draft.instalments else (total,)
        running = Decimal(0)
        for seq, (amount, due) in enumerate(zip(amounts, due_dates, strict=True), start=1):
            running += amount
            instalments.append(
                Instalment(
                    organization=organization,
                    bill=bill,
                    seq=seq,
                    amount=amount,
                    due_date=due,
                    running_total=running,
                )
            )
    copy_create(lines)
    copy_create(instalments)
    audit.record_created(actor=actor, organization=organization, instances=bills)
    return bills


def _assign_numbers(organization: Organization, drafts: Sequence[BillDraft]) -> list[str]:
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, draft in enumerate(drafts):
        if draft.number is None:
            wanted[(draft.kind, draft.year)].append(i)
    numbers = [d.number or "" for d in drafts]
    for (kind, year), indexes in sorted(wanted.items()):
        be_year = year + BUDDHIST_ERA_OFFSET
        seqs = reserve_numbers(
            organization_id=organization.pk, name=f"bill:{kind}", year=year, count=len(indexes)
        )
        for i, seq in zip(indexes, seqs, strict=True):
            numbers[i] = f"{BILL_NUMBER_PREFIX[kind]}{be_year}{seq:06d}"
    return numbers


@transaction.atomic
def bill_cancel(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """Cancel a bill nobody has paid anything on (e.g. before an assessment is re-run)."""
    require(actor, bill.organization, BillingPerm.BILL_ISSUE)
    return bill_cancel_authorised(actor=actor, bill=bill, reason=reason)


def bill_cancel_authorised(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """`bill_cancel` once the caller (billing's sync) has established the actor's right."""
    from muang.billing.services.payments import lock_payments

    lock_payments(bill.organization_id)  # not while a bank statement is being applied
    bill = Bill.objects.select_for_update().get(pk=bill.pk, organization_id=bill.organization_id)
    if not reason.strip():
        raise InvalidInput.for_field("reason", _("Say why the bill is cancelled."))
    if bill.status == BillStatus.CANCELLED:
        raise Conflict(_("This bill is already cancelled."))
    if bill.payments.exists():
        raise Conflict(_("Payments were recorded on this bill; refund them instead of cancelling it."))
    before = audit.snapshot(bill)
    bill.status = BillStatus.CANCELLED
    bill.cancelled_at = timezone.now()
    bill.cancel_reason = reason.strip()[:300]
    bill.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit.record(
        actor=actor,
        organization=bill.organization,
        instance=bill,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(bill)),
        reason=reason,
    )
    return bill


@transaction.atomic
def bill_mark_notified(*, actor: Actor, bill: Bill, notified_on: dt.date) -> Bill:
    """Record the day the payer received the notice: objections run 30 days from it."""
    require(actor, bill.organization, BillingPerm.BILL_ISSUE)
    if notified_on < bill.issued_on or notified_on > timezone.localdate():
        raise InvalidInput.for_field("notified_on", _("Between the issue date and today."))
    return update_audited(
        actor=actor,
        organization=bill.organization,
        instance=bill,
        data={"notified_on": notified_on},
        allowed={"notified_on"},
    )


@transaction.atomic
def bill_extend(*, actor: Actor, bill: Bill, until: dt.date) -> Bill:
    """Extend the time to pay (s.70: paid within it, a 0.5% monthly surcharge and no penalty)."""
    require(actor, bill.organization, BillingPerm.BILL_ISSUE)
    if until <= bill.due_date:
        raise InvalidInput.for_field("extension_until", _("An extension ends after the due date."))
    return update_audited(
        actor=actor,
        organization=bill.organization,
        instance=bill,
        data={"extension_until": until},
        allowed={"extension_until"},
    )
