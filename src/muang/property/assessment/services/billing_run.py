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

The references are the kinds of :mod:`muang.property.registry.sources`. Issuing again (after a re-run, or a second
press of the button) goes through billing's bill sync (:func:`muang.billing.services.sync.bills_sync`): a bill
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

from muang.billing.models import BillKind
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import LineDraft, Payer, profile_of
from muang.billing.services.sync import WantedBill, bills_sync
from muang.billing.sources import SourceKind
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.core.money import ZERO
from muang.core.thai_dates import buddhist_era
from muang.core.thai_id import is_valid_tax_id
from muang.property.assessment.selectors import current_run
from muang.property.assessment.services import ruledata
from muang.property.assessment.sheet import BUILDING, PARCEL, AssessmentSheet
from muang.property.models import Assessment, AssessmentRun, Owner, Signboard, TaxYear
from muang.property.registry import sources
from muang.taxlaw.signboard import SignType, quarter_of, signboard_tax

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


def _sync(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    year: int,
    source_kind: SourceKind,
    wanted: list[WantedBill],
    issued_on: dt.date,
    summary: BillingSummary,
    reason: str,
) -> None:
    """Billing's bill sync does the comparing, cancelling and issuing; the summary names owners."""
    result = bills_sync(
        actor=actor,
        organization=organization,
        kind=kind,
        year=year,
        source_kind=source_kind,
        wanted=wanted,
        issued_on=issued_on,
        reason=reason,
    )
    summary.issued += result.issued
    summary.unchanged += result.unchanged
    summary.reissued += result.reissued
    summary.cancelled += result.cancelled
    summary.bill_ids = result.bill_ids
    summary.issued_total = result.issued_total
    summary.conflicts.extend(
        BillingConflict(
            owner_id=(c.source.int_key or 0) if c.source else 0,
            payer_name=c.payer_name,
            bill_id=c.bill_id,
            bill_number=c.bill_number,
            status=c.status,
            billed=c.billed,
            paid=c.paid,
            assessed=c.wanted,
        )
        for c in result.conflicts
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


def _land_building_lines(sheet: AssessmentSheet) -> list[LineDraft]:
    """One line per taxed property of the sheet, naming it by the ids the sheet carries."""
    lines = []
    for prop in sheet.properties:
        if prop.tax <= 0:
            continue
        share_note = "" if prop.whole else " " + _("(share %(share)s)") % {"share": prop.share}
        numbers = prop.building_numbers
        if prop.kind == PARCEL:
            ref = str(sources.PARCEL.ref(prop.parcel_id)) if prop.parcel_id is not None else ""
            if numbers:
                description = _("Land %(code)s with building no. %(numbers)s") % {
                    "code": prop.label,
                    "numbers": ", ".join(numbers),
                }
            else:
                description = _("Land %(code)s") % {"code": prop.label}
        elif prop.kind == BUILDING:
            ref = str(sources.BUILDING.ref(prop.building_ids[0])) if prop.building_ids else ""
            description = _("Building no. %(number)s on parcel %(code)s") % {
                "number": numbers[0] if numbers else "",
                "code": prop.label,
            }
        else:
            ref = str(sources.CONDO.ref(prop.condo_unit_id)) if prop.condo_unit_id is not None else ""
            description = _("Condominium unit %(label)s") % {"label": prop.label}
        lines.append(LineDraft(description=(description + share_note)[:300], amount=prop.tax, source_ref=ref))
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
    run = (
        AssessmentRun.objects.select_for_update()
        .select_related("tax_year")
        .get(pk=run.pk, organization=organization)
    )
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
    wanted: list[WantedBill] = []
    with translation.override(settings.LANGUAGE_CODE):  # the notice is a Thai document
        for a in assessments:
            if a.total_tax <= 0:
                summary.skipped_zero += 1
                continue
            lines = _land_building_lines(AssessmentSheet.from_json(a.sheet))
            if sum((line.amount for line in lines), ZERO) != a.total_tax:
                # Never print lines that do not add up to the tax: one line for the whole assessment.
                lines = [
                    LineDraft(
                        description=_("Land and building tax %(year)s") % {"year": buddhist_era(run.year)},
                        amount=a.total_tax,
                    )
                ]
            instalments = a.total_tax >= profile.instalment_minimum
            wanted.append(
                WantedBill(
                    source=sources.OWNER.ref(a.owner_id),
                    payer=_payer(a.owner),
                    lines=lines,
                    due_date=due,
                    instalments=instalments,
                    instalment_due_dates=(instalment_dates or None) if instalments else None,
                )
            )
        reason = _("Re-assessed: assessment run %(id)s") % {"id": run.pk}

    _sync(
        actor=actor,
        organization=organization,
        kind=BillKind.LAND_BUILDING_TAX,
        year=run.year,
        source_kind=sources.OWNER,
        wanted=wanted,
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
    wanted: list[WantedBill] = []
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
                        source_ref=str(sources.SIGNBOARD.ref(sign.pk)),
                    )
                )
            total = sum((line.amount for line in lines), ZERO)
            if total <= 0:
                summary.skipped_zero += 1
                continue
            wanted.append(
                WantedBill(
                    source=sources.SIGNBOARD_OWNER.ref(owner_id),
                    payer=_payer(owners[owner_id]),
                    lines=lines,
                    due_date=due,
                    instalments=total >= profile.instalment_minimum,
                )
            )
        reason = _("Signboards re-assessed for %(year)s") % {"year": buddhist_era(year)}

    _sync(
        actor=actor,
        organization=organization,
        kind=BillKind.SIGNBOARD_TAX,
        year=year,
        source_kind=sources.SIGNBOARD_OWNER,
        wanted=wanted,
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
