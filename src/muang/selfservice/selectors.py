"""What a signed-in taxpayer may see: their own properties, assessments, bills and filings in ONE organisation.

Every function takes the organisation and the owner and filters by both; fetching something by its number
that is not the taxpayer's raises NotFound (a 404, the same as a number that does not exist). These are
read-only queries on the property and billing tables, scoped here, because the staff selectors of those apps
require staff permissions that a taxpayer does not have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.access import PayerScope
from muang.billing.dues import AmountDue
from muang.billing.models import Bill, BillStatus, Objection, Receipt
from muang.billing.selectors import amount_due_of, instalment_states
from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.thai_dates import buddhist_era
from muang.property.models import (
    Assessment,
    AssessmentRun,
    Building,
    CondoUnit,
    Owner,
    Ownership,
    Parcel,
    Signboard,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry import sources
from muang.selfservice.models import UseChangeNotice


def owner_tax_id(owner: Owner) -> str:
    return owner.national_id or owner.tax_id or ""


def held_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


# --- properties ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """One parcel, building or condominium unit the taxpayer holds today, with their share."""

    kind: str  # parcel | building | condo_unit
    key: str  # "parcel:12": what the ภ.ด.ส.5 form posts back
    label: str
    use: str
    use_display: str
    shares: dict
    share: str
    address: str
    area: str
    lon: float | None = None
    lat: float | None = None


@dataclass
class Properties:
    holdings: list[Holding] = field(default_factory=list)
    signboards: list[Signboard] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.holdings and not self.signboards


def _share(o: Ownership) -> str:
    return "" if o.share_numerator == o.share_denominator else f"{o.share_numerator}/{o.share_denominator}"


def properties_of(*, organization: Organization, owner: Owner, today: dt.date | None = None) -> Properties:
    today = today or timezone.localdate()
    ownerships = (
        Ownership.objects.filter(organization=organization, owner=owner)
        .filter(held_on(today))
        .select_related("parcel", "building__parcel", "condo_unit")
        .order_by("id")
    )
    out = Properties()
    for o in ownerships:
        if o.parcel_id:
            p: Parcel = o.parcel
            if p.retired_on is not None:
                continue
            point = p.location or (p.geometry.point_on_surface if p.geometry else None)
            deed = f"{p.get_deed_type_display()} {p.deed_number}".strip()
            out.holdings.append(
                Holding(
                    "parcel",
                    f"parcel:{p.pk}",
                    _("Land %(code)s, %(deed)s") % {"code": p.code, "deed": deed},
                    p.use,
                    p.get_use_display(),
                    p.use_shares,
                    _share(o),
                    p.address,
                    _("%(r)s rai %(n)s ngan %(w)s sq. wah")
                    % {"r": p.area_rai, "n": p.area_ngan, "w": p.area_wah},
                    point.x if point else None,
                    point.y if point else None,
                )
            )
        elif o.building_id:
            b: Building = o.building
            if b.demolished_on is not None:
                continue
            point = b.parcel.location
            out.holdings.append(
                Holding(
                    "building",
                    f"building:{b.pk}",
                    _("Building %(code)s %(house)s") % {"code": b.code, "house": b.house_number},
                    b.use,
                    b.get_use_display(),
                    b.use_shares,
                    _share(o),
                    b.parcel.address,
                    _("%(m2)s m², built %(year)s")
                    % {"m2": b.floor_area_m2, "year": buddhist_era(b.year_built)},
                    point.x if point else None,
                    point.y if point else None,
                )
            )
        else:
            u: CondoUnit = o.condo_unit
            out.holdings.append(
                Holding(
                    "condo_unit",
                    f"condo_unit:{u.pk}",
                    _("Condominium unit %(unit)s") % {"unit": str(u)},
                    u.use,
                    u.get_use_display(),
                    u.use_shares,
                    _share(o),
                    "",
                    _("%(m2)s m², floor %(floor)s") % {"m2": u.area_m2, "floor": u.floor},
                )
            )
    out.signboards = list(
        Signboard.objects.filter(organization=organization, owner=owner, removed_on__isnull=True).order_by(
            "id"
        )
    )
    return out


def holding_for(*, organization: Organization, owner: Owner, key: str, today: dt.date | None = None):
    """The Parcel / Building / CondoUnit behind a form's `key` ("parcel:12"), if the taxpayer holds it today."""
    kind, _sep, pk = (key or "").partition(":")
    if kind not in ("parcel", "building", "condo_unit") or not pk.isdigit():
        return None
    today = today or timezone.localdate()
    held = (
        Ownership.objects.filter(organization=organization, owner=owner, **{f"{kind}_id": int(pk)})
        .filter(held_on(today))
        .exists()
    )
    if not held:
        return None
    model = {"parcel": Parcel, "building": Building, "condo_unit": CondoUnit}[kind]
    related = ["parcel"] if kind == "building" else []
    return model.objects.select_related(*related).filter(organization=organization, pk=int(pk)).first()


# --- assessments -----------------------------------------------------------------------------------------------


def _done_runs(organization: Organization, year: int | None = None) -> list[int]:
    """The finished runs' ids, named in the query so PostgreSQL reads only their partitions of
    property_assessment (one per run, ADR 0019) when it plans it; a join on the runs' status would leave the
    choice to the executor and could scan every organisation's results for the owner."""
    runs = AssessmentRun.objects.filter(organization=organization, status=AssessmentRun.Status.DONE)
    if year is not None:
        runs = runs.filter(year=year)
    return list(runs.values_list("pk", flat=True))


def assessments_of(*, organization: Organization, owner: Owner) -> list[Assessment]:
    """The assessment in force for each year (of the year's latest finished run), newest year first."""
    rows = (
        Assessment.objects.filter(organization=organization, owner=owner, run_id__in=_done_runs(organization))
        .select_related("run")
        .defer("sheet")
        .order_by("-year", "-run__finished_at", "-run_id")
    )
    seen, out = set(), []
    for a in rows:
        if a.year not in seen:
            seen.add(a.year)
            out.append(a)
    return out


def assessment_of(*, organization: Organization, owner: Owner, year: int) -> Assessment:
    assessment = (
        Assessment.objects.filter(
            organization=organization, owner=owner, year=year, run_id__in=_done_runs(organization, year)
        )
        .order_by("-run__finished_at", "-run_id")
        .first()
    )
    if assessment is None:
        raise NotFound(_("No assessment for %(year)s.") % {"year": buddhist_era(year)})
    return assessment


# --- bills -----------------------------------------------------------------------------------------------------


def payer_scope(owner: Owner) -> PayerScope:
    """The bills of an owner: those billed to their records (`property:owner:<id>`, signboards
    `property:signboard-owner:<id>`), or to their national or juristic tax ID. The taxpayer's citizen grant
    covers exactly these (`session.taxpayer_actor`)."""
    return PayerScope(
        source_refs={str(sources.OWNER.ref(owner.pk)), str(sources.SIGNBOARD_OWNER.ref(owner.pk))},
        tax_id=owner_tax_id(owner),
    )


def bills_of(*, organization: Organization, owner: Owner) -> QuerySet[Bill]:
    """The taxpayer's bills (not cancelled ones), newest year first, ready for `amount_due_of`."""
    return (
        Bill.objects.filter(organization=organization)
        .filter(payer_scope(owner).q())
        .exclude(status=BillStatus.CANCELLED)
        .prefetch_related("instalments", "warning_letters")
        .order_by("-year", "number")
    )


def get_bill_of(*, organization: Organization, owner: Owner, number: str) -> Bill:
    bill = (
        bills_of(organization=organization, owner=owner)
        .filter(number=(number or "").upper())
        .select_related("organization")
        .prefetch_related("lines", "payments__receipt", "objections")
        .first()
    )
    if bill is None:
        raise NotFound(_("No bill %(number)s.") % {"number": number})
    return bill


def get_receipt_of(*, organization: Organization, owner: Owner, number: str) -> Receipt:
    receipt = (
        Receipt.objects.filter(
            organization=organization, number=number, payment__bill__organization=organization
        )
        .filter(payment__bill__in=bills_of(organization=organization, owner=owner).values("pk"))
        .select_related("payment__bill")
        .first()
    )
    if receipt is None:
        raise NotFound(_("No receipt %(number)s.") % {"number": number})
    return receipt


@dataclass(frozen=True)
class BillRow:
    bill: Bill
    due: AmountDue

    @property
    def settled(self) -> bool:
        return self.bill.status == BillStatus.PAID or not self.due.instalments


def bill_rows(bills, today: dt.date | None = None) -> list[BillRow]:
    rules_cache: dict = {}  # penalty rules read once per kind and year
    return [BillRow(b, amount_due_of(b, today, rules_cache)) for b in bills]


@dataclass(frozen=True)
class InstalmentRow:
    seq: int
    amount: Decimal
    due_date: dt.date
    paid: Decimal
    unpaid: Decimal
    late: bool


def instalment_rows(bill: Bill, today: dt.date) -> list[InstalmentRow]:
    return [
        InstalmentRow(s.seq, s.amount, s.due_date, s.paid, s.unpaid, s.unpaid > 0 and s.due_date < today)
        for s in instalment_states(bill)
    ]


def objections_of(*, organization: Organization, owner: Owner) -> list[Objection]:
    return list(
        Objection.objects.filter(
            organization=organization, bill__in=bills_of(organization=organization, owner=owner).values("pk")
        )
        .select_related("bill")
        .order_by("-filed_on", "-id")
    )


def get_objection_of(*, organization: Organization, owner: Owner, objection_id: int) -> Objection:
    objection = next(
        (o for o in objections_of(organization=organization, owner=owner) if o.pk == objection_id), None
    )
    if objection is None:
        raise NotFound(_("No objection %(id)s.") % {"id": objection_id})
    return objection


# --- use-change notices ----------------------------------------------------------------------------------------


def use_change_notices_of(*, organization: Organization, owner: Owner) -> QuerySet[UseChangeNotice]:
    return UseChangeNotice.objects.filter(organization=organization, owner=owner).order_by("-filed_at", "-id")


def get_use_change_notice_of(*, organization: Organization, owner: Owner, reference: str) -> UseChangeNotice:
    notice = use_change_notices_of(organization=organization, owner=owner).filter(reference=reference).first()
    if notice is None:
        raise NotFound(_("No notice %(ref)s.") % {"ref": reference})
    return notice


def use_change_notice_with_photo(*, organization_id: int, name: str) -> UseChangeNotice:
    """The notice whose stored photo is `name`, for the file reader (`muang.selfservice.files`), which decides
    who may see it; NotFound if no notice of an active organisation has it."""
    notice = (
        UseChangeNotice.objects.filter(
            organization_id=organization_id, photo=name, organization__is_active=True
        )
        .select_related("organization")
        .first()
    )
    if notice is None:
        raise NotFound(_("No such photo."))
    return notice


# --- staff -----------------------------------------------------------------------------------------------------


def use_change_notices_for(
    *, actor: Actor, organization: Organization, status: str | None = None
) -> QuerySet[UseChangeNotice]:
    """Staff: the organisation's change-of-use notices, newest first (they name taxpayers: property.view)."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = UseChangeNotice.objects.filter(organization=organization).select_related("owner")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-filed_at", "-id")


def get_use_change_notice_for(*, actor: Actor, organization: Organization, reference: str) -> UseChangeNotice:
    notice = (
        use_change_notices_for(actor=actor, organization=organization).filter(reference=reference).first()
    )
    if notice is None:
        raise NotFound(
            _("No change-of-use notice %(ref)s in %(org)s.") % {"ref": reference, "org": organization}
        )
    return notice
