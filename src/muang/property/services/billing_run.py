"""Bills from the property registry: one land-and-building tax bill (ภ.ด.ส.6) per taxpayer of a finished
assessment run, and one signboard tax bill (ภ.ป.3) per signboard owner.

Bills are issued through billing's `bills_issue` (bulk, all or nothing) in ONE transaction with the
cancellations a re-run makes necessary. The convention other parts of Muang rely on (the tax map colours
parcels by it, self-service finds a taxpayer's bills by it):

- land and building: kind ``land_building_tax``, year = the run's year, ``Bill.source_ref`` =
  ``property:owner:<owner id>``, one line per property of the calculation sheet with ``BillLine.source_ref``
  ``property:parcel:<id>`` (the land with the buildings its owner holds with it: the buildings are named in
  the description), ``property:building:<id>`` (a building held apart from its land) or
  ``property:condo:<id>`` (a condominium unit);
- signboards: kind ``signboard_tax``, ``Bill.source_ref`` = ``property:signboard-owner:<owner id>``, one line
  per sign ``property:signboard:<id>``.

Issuing again (after a re-run, or a second press of the button) compares with the bills in force: a bill
with the same amount is left alone; an open bill nobody has paid anything on is cancelled with a reason and
issued anew; a bill with payments whose amount changed is never touched but reported as a conflict for
staff (an objection decision or refund is the way to change it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from muang.billing.models import Bill, BillKind, BillStatus
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import BillDraft, LineDraft, Payer, bill_cancel, bills_issue, profile_of
from muang.billing.services.payments import lock_payments
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.core.thai_dates import buddhist_era
from muang.core.thai_id import is_valid_tax_id
from muang.property.models import Assessment, AssessmentRun, Owner, Ownership, Signboard, TaxYear
from muang.property.rules.money import ZERO
from muang.property.rules.signboard import SignType, quarter_of, signboard_tax
from muang.property.selectors_assessment import current_run
from muang.property.services import ruledata

OWNER_REF = "property:owner:"
SIGNBOARD_OWNER_REF = "property:signboard-owner:"
SIGNBOARD_PAYMENT_DAYS = 15  # Signboard Tax Act s.12: pay within 15 days of the notice (ภ.ป.3)


@dataclass(frozen=True)
class BillingConflict:
    """A bill with payments whose amount no longer matches the assessment: staff decide."""

    owner_id: int
    payer_name: str
    bill_id: int
    bill_number: str
    status: str
    billed: Decimal
    paid: Decimal
    assessed: Decimal


@dataclass
class BillingSummary:
    kind: str
    year: int
    issued: int = 0  # bills issued for the first time
    unchanged: int = 0  # bills in force with the assessed amount: left alone
    reissued: int = 0  # open unpaid bills cancelled and issued again with the new amount
    cancelled: int = 0  # open unpaid bills whose taxpayer owes nothing any more
    skipped_zero: int = 0  # taxpayers assessed at 0 baht (exempt, or below one satang)
    conflicts: list[BillingConflict] = field(default_factory=list)
    issued_total: Decimal = ZERO  # baht on the bills issued or re-issued now
    bill_ids: list[int] = field(default_factory=list)  # the bills issued or re-issued now

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "year": self.year,
            "issued": self.issued,
            "unchanged": self.unchanged,
            "reissued": self.reissued,
            "cancelled": self.cancelled,
            "skipped_zero": self.skipped_zero,
            "issued_total": str(self.issued_total),
            "conflicts": [
                {
                    "owner_id": c.owner_id,
                    "payer_name": c.payer_name,
                    "bill_id": c.bill_id,
                    "bill_number": c.bill_number,
                    "status": c.status,
                    "billed": str(c.billed),
                    "paid": str(c.paid),
                    "assessed": str(c.assessed),
                }
                for c in self.conflicts
            ],
        }


@dataclass(frozen=True)
class _Wanted:
    owner: Owner
    lines: list[LineDraft]
    total: Decimal


def _payer(owner: Owner) -> Payer:
    tax_id = owner.national_id or owner.tax_id or ""
    # A registry ID with a wrong check digit must not block every other taxpayer's bill: print none.
    return Payer(
        name=owner.display_name,
        tax_id=tax_id if tax_id and is_valid_tax_id(tax_id) else "",
        address=owner.address,
    )


def _calendar(tax_year: TaxYear) -> dict:
    return {**ruledata.default_calendar(tax_year.year), **(tax_year.calendar or {})}


def _reconcile(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    year: int,
    ref_prefix: str,
    wanted: dict[str, _Wanted],
    make_draft,
    issued_on: dt.date,
    summary: BillingSummary,
    reason: str,
) -> None:
    """Compare the wanted bills (by source_ref) with those in force; cancel, issue, report conflicts."""
    lock_payments(organization.pk)  # billing's lock order: the payments lock, then the bills' rows
    in_force = {
        b.source_ref: b
        for b in Bill.objects.select_for_update()
        .filter(
            organization=organization,
            kind=kind,
            year=year,
            source_ref__startswith=ref_prefix,
            cancelled_at__isnull=True,
        )
        .order_by("pk")
    }
    paid_something = set(
        Bill.objects.filter(pk__in=[b.pk for b in in_force.values()], payments__isnull=False).values_list(
            "pk", flat=True
        )
    )
    to_cancel: list[Bill] = []
    drafts: list[BillDraft] = []
    for ref, want in wanted.items():
        bill = in_force.get(ref)
        if bill is None:
            drafts.append(make_draft(ref, want))
            summary.issued += 1
        elif bill.amount == want.total:
            summary.unchanged += 1
        elif bill.status == BillStatus.OPEN and bill.pk not in paid_something and not bill.paid_principal:
            to_cancel.append(bill)
            drafts.append(make_draft(ref, want))
            summary.reissued += 1
        else:
            summary.conflicts.append(_conflict(bill, want.owner.pk, want.total))
    for ref, bill in in_force.items():
        if ref in wanted:
            continue
        owner_id = int(ref.removeprefix(ref_prefix)) if ref.removeprefix(ref_prefix).isdigit() else 0
        if bill.status == BillStatus.OPEN and bill.pk not in paid_something and not bill.paid_principal:
            to_cancel.append(bill)
            summary.cancelled += 1
        else:
            summary.conflicts.append(_conflict(bill, owner_id, ZERO))
    for bill in to_cancel:
        bill_cancel(actor=actor, bill=bill, reason=reason)
    if drafts:
        bills = bills_issue(actor=actor, organization=organization, drafts=drafts, issued_on=issued_on)
        summary.bill_ids = [b.pk for b in bills]
        summary.issued_total = sum((b.amount for b in bills), ZERO)


def _conflict(bill: Bill, owner_id: int, assessed: Decimal) -> BillingConflict:
    return BillingConflict(
        owner_id=owner_id,
        payer_name=bill.payer_name,
        bill_id=bill.pk,
        bill_number=bill.number,
        status=bill.status,
        billed=bill.amount,
        paid=bill.paid_principal,
        assessed=assessed,
    )


def _audit_summary(
    *, actor: Actor, organization: Organization, instance, summary: BillingSummary, reason: str
) -> None:
    data = summary.as_dict()
    data["conflicts"] = len(summary.conflicts)
    audit.record(
        actor=actor,
        organization=organization,
        instance=instance,
        action=AuditEntry.Action.UPDATE,
        changes={"bills": [None, data]},
        reason=reason,
    )


# --- land and building tax -----------------------------------------------------------------------------------


def _holdings(organization: Organization, day: dt.date) -> dict[int, dict]:
    """Per owner, what the sheet labels point at: parcel code → id, (parcel code, number) → building id,
    'condominium unit' label → [unit ids]. From the ownerships on 1 January, as the run read them."""
    holdings: dict[int, dict] = defaultdict(lambda: {"P": {}, "S": {}, "C": defaultdict(list)})
    rows = (
        Ownership.objects.filter(organization=organization, valid_from__lte=day)
        .exclude(valid_to__lte=day)
        .values_list(
            "owner_id",
            "parcel_id",
            "parcel__code",
            "building_id",
            "building__parcel__code",
            "building__number",
            "condo_unit_id",
            "condo_unit__condominium_code",
            "condo_unit__unit_number",
        )
        .order_by("owner_id", "pk")
    )
    for owner_id, p_id, p_code, b_id, b_code, b_number, c_id, c_code, c_unit in rows:
        h = holdings[owner_id]
        if p_id is not None:
            h["P"][p_code] = p_id
        if b_id is not None:
            h["S"][(b_code, b_number)] = b_id
        if c_id is not None:
            h["C"][f"{c_code} {c_unit}"].append(c_id)
    return holdings


def _land_building_lines(sheet: dict, holding: dict) -> list[LineDraft]:
    lines = []
    condo_seen: dict[str, int] = defaultdict(int)
    for prop in sheet.get("properties", []):
        tax = Decimal(prop.get("tax") or "0")
        if tax <= 0:
            continue
        label = prop.get("label", "")
        kind = prop.get("kind")
        building_numbers = [
            str(i["number"]) for i in prop.get("items", []) if i.get("kind") == "building" and i.get("number")
        ]
        share = prop.get("share", "1/1")
        share_note = "" if share in ("1/1", "") else " " + _("(share %(share)s)") % {"share": share}
        ref_id = prop.get("id")  # if a future sheet carries the id, trust it
        if kind == "parcel":
            ref_id = ref_id or holding["P"].get(label)
            ref = f"property:parcel:{ref_id}" if ref_id else ""
            if building_numbers:
                description = _("Land %(code)s with building no. %(numbers)s") % {
                    "code": label,
                    "numbers": ", ".join(building_numbers),
                }
            else:
                description = _("Land %(code)s") % {"code": label}
        elif kind == "building":
            number = building_numbers[0] if building_numbers else ""
            ref_id = ref_id or holding["S"].get((label, int(number) if number.isdigit() else None))
            ref = f"property:building:{ref_id}" if ref_id else ""
            description = _("Building no. %(number)s on parcel %(code)s") % {"number": number, "code": label}
        else:
            if not ref_id:
                candidates = holding["C"].get(label, [])
                position = condo_seen[label]
                condo_seen[label] += 1
                ref_id = candidates[position] if position < len(candidates) else None
            ref = f"property:condo:{ref_id}" if ref_id else ""
            description = _("Condominium unit %(label)s") % {"label": label}
        lines.append(LineDraft(description=(description + share_note)[:300], amount=tax, source_ref=ref))
    return lines


@transaction.atomic
def assessment_bills_issue(
    *, actor: Actor, run: AssessmentRun, issued_on: dt.date, due_date: dt.date | None = None
) -> BillingSummary:
    """Issue the land-and-building tax bills (ภ.ด.ส.6) of a finished run: one per taxpayer with tax > 0.

    The run must be the year's results in force (its latest finished run). Due dates come from the tax
    year's calendar (payment due, and the three instalment dates for bills from the instalment minimum)
    unless ``due_date`` is given."""
    organization = run.organization
    require(actor, organization, BillingPerm.BILL_ISSUE)
    run = AssessmentRun.objects.select_for_update().select_related("tax_year").get(pk=run.pk)
    if run.status != AssessmentRun.Status.DONE:
        raise Conflict(
            _("Assessment run %(id)s is %(status)s: bills are issued from a finished run.")
            % {"id": run.pk, "status": run.get_status_display()}
        )
    latest = current_run(organization=organization, year=run.year)
    if latest is None or latest.pk != run.pk:
        raise Conflict(
            _("A newer assessment run of %(year)s replaced run %(id)s: issue the bills from the newest run.")
            % {"year": run.year, "id": run.pk}
        )
    profile = profile_of(organization)
    calendar = _calendar(run.tax_year)
    due = due_date or dt.date.fromisoformat(calendar["payment_due"])
    if due < issued_on:
        raise InvalidInput.for_field("due_date", _("The due date cannot be before the issue date."))
    instalment_dates = [dt.date.fromisoformat(d) for d in calendar.get("instalments") or []]
    if len(instalment_dates) != 3 or instalment_dates[0] != due:
        instalment_dates = []  # a chosen due date: billing spaces the instalments a month apart

    assessments = (
        Assessment.objects.filter(organization=organization, run=run)
        .select_related("owner")
        .order_by("owner_id")
        .iterator(chunk_size=2000)
    )
    summary = BillingSummary(kind=BillKind.LAND_BUILDING_TAX, year=run.year)
    holdings = _holdings(organization, dt.date(run.year, 1, 1))
    wanted: dict[str, _Wanted] = {}
    with translation.override(settings.LANGUAGE_CODE):  # the notice is a Thai document
        for a in assessments:
            if a.total_tax <= 0:
                summary.skipped_zero += 1
                continue
            lines = _land_building_lines(a.sheet, holdings[a.owner_id])
            if sum((line.amount for line in lines), ZERO) != a.total_tax:
                # Never print lines that do not add up to the tax: one line for the whole assessment.
                lines = [
                    LineDraft(
                        description=_("Land and building tax %(year)s") % {"year": buddhist_era(run.year)},
                        amount=a.total_tax,
                    )
                ]
            wanted[f"{OWNER_REF}{a.owner_id}"] = _Wanted(owner=a.owner, lines=lines, total=a.total_tax)
        reason = _("Re-assessed: assessment run %(id)s") % {"id": run.pk}

    def draft(ref: str, want: _Wanted) -> BillDraft:
        instalments = want.total >= profile.instalment_minimum
        return BillDraft(
            kind=BillKind.LAND_BUILDING_TAX,
            year=run.year,
            payer=_payer(want.owner),
            lines=want.lines,
            due_date=due,
            source_ref=ref,
            instalments=instalments,
            instalment_due_dates=(instalment_dates or None) if instalments else None,
        )

    _reconcile(
        actor=actor,
        organization=organization,
        kind=BillKind.LAND_BUILDING_TAX,
        year=run.year,
        ref_prefix=OWNER_REF,
        wanted=wanted,
        make_draft=draft,
        issued_on=issued_on,
        summary=summary,
        reason=reason,
    )
    _audit_summary(
        actor=actor, organization=organization, instance=run, summary=summary, reason="bills issued"
    )
    return summary


# --- signboard tax -----------------------------------------------------------------------------------------


def signboards_taxed(*, organization: Organization, year: int, on: dt.date):
    """The signs of the year: installed by ``on`` (and within the year), not removed before 1 January."""
    return (
        Signboard.objects.filter(organization=organization, installed_on__lte=min(on, dt.date(year, 12, 31)))
        .exclude(removed_on__lt=dt.date(year, 1, 1))
        .select_related("owner", "parcel")
        .order_by("owner_id", "pk")
    )


@transaction.atomic
def signboard_bills_issue(
    *, actor: Actor, organization: Organization, year: int, issued_on: dt.date
) -> BillingSummary:
    """Issue the signboard tax bills (ภ.ป.3) of the year: one per owner, one line per sign, due 15 days
    after the notice. A sign installed during the year pays from the quarter of installation (s.8)."""
    require(actor, organization, BillingPerm.BILL_ISSUE)
    tax_year = TaxYear.objects.filter(organization=organization, year=year).first()
    if tax_year is None:
        raise NotFound(_("No tax year %(y)s in %(org)s.") % {"y": year, "org": organization})
    rates = tax_year.signboard_rates()
    if rates is None:
        raise Conflict(_("The tax year %(y)s has no signboard rates.") % {"y": year})
    if issued_on.year < year:
        raise InvalidInput.for_field("issued_on", _("Signboard notices of a year are issued in that year."))
    profile = profile_of(organization)
    due = issued_on + dt.timedelta(days=SIGNBOARD_PAYMENT_DAYS)
    summary = BillingSummary(kind=BillKind.SIGNBOARD_TAX, year=year)
    by_owner: dict[int, list[tuple[Signboard, Decimal]]] = defaultdict(list)
    owners: dict[int, Owner] = {}
    for sign in signboards_taxed(organization=organization, year=year, on=issued_on):
        first_year = sign.installed_on.year == year
        computation = signboard_tax(
            area_cm2=sign.area_cm2,
            sign_type=SignType(sign.sign_type),
            moving=sign.moving,
            rates=rates,
            installed_quarter=quarter_of(sign.installed_on) if first_year else None,
        )
        by_owner[sign.owner_id].append((sign, computation))
        owners[sign.owner_id] = sign.owner
    wanted: dict[str, _Wanted] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for owner_id, signs in by_owner.items():
            lines = []
            for sign, c in signs:
                if c.tax <= 0:
                    continue
                where = sign.place or (sign.parcel.code if sign.parcel else "")
                description = _("Sign %(w)s×%(h)s cm, type %(type)s, %(units)s units") % {
                    "w": sign.width_cm.normalize(),
                    "h": sign.height_cm.normalize(),
                    "type": sign.sign_type,
                    "units": c.units,
                }
                if where:
                    description += f" ({where})"
                if c.quarters < 4:
                    description += " " + _("from quarter %(q)s") % {"q": 5 - c.quarters}
                lines.append(
                    LineDraft(
                        description=description[:300],
                        amount=c.tax,
                        source_ref=f"property:signboard:{sign.pk}",
                    )
                )
            total = sum((line.amount for line in lines), ZERO)
            if total <= 0:
                summary.skipped_zero += 1
                continue
            wanted[f"{SIGNBOARD_OWNER_REF}{owner_id}"] = _Wanted(
                owner=owners[owner_id], lines=lines, total=total
            )
        reason = _("Signboards re-assessed for %(year)s") % {"year": buddhist_era(year)}

    def draft(ref: str, want: _Wanted) -> BillDraft:
        return BillDraft(
            kind=BillKind.SIGNBOARD_TAX,
            year=year,
            payer=_payer(want.owner),
            lines=want.lines,
            due_date=due,
            source_ref=ref,
            instalments=want.total >= profile.instalment_minimum,
        )

    _reconcile(
        actor=actor,
        organization=organization,
        kind=BillKind.SIGNBOARD_TAX,
        year=year,
        ref_prefix=SIGNBOARD_OWNER_REF,
        wanted=wanted,
        make_draft=draft,
        issued_on=issued_on,
        summary=summary,
        reason=reason,
    )
    _audit_summary(
        actor=actor,
        organization=organization,
        instance=tax_year,
        summary=summary,
        reason="signboard bills issued",
    )
    return summary
