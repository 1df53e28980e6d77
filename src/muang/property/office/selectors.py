"""Reads for the tax office pages (/tax/): the year's overview and the taxpayers with tax due.

Billing figures come through billing's selectors, so they appear only for staff allowed to see bills."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from muang.billing.models import BillKind
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import bills_of
from muang.core.access import Actor, require
from muang.core.models import Organization
from muang.core.money import ZERO
from muang.property.assessment.selectors import assessment_runs_of, current_run
from muang.property.models import Assessment, AssessmentRun, Parcel, Signboard, TaxYear
from muang.property.permissions import PropertyPerm


@dataclass(frozen=True)
class BillFigures:
    bills: int
    billed: Decimal
    paid: Decimal
    paid_bills: int

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.paid

    @property
    def paid_percent(self) -> float:
        return 0.0 if not self.billed else round(float(100 * self.paid / self.billed), 1)


@dataclass(frozen=True)
class Overview:
    year: int
    tax_year: TaxYear | None
    parcels: int
    parcels_surveyed: int
    signboards: int
    run: AssessmentRun | None  # the results in force
    active_run: AssessmentRun | None  # queued or running
    taxpayers: int
    taxpayers_with_tax: int
    assessed_total: Decimal
    land_building: BillFigures | None  # None: the actor may not see bills
    signboard: BillFigures | None

    @property
    def parcels_not_surveyed(self) -> int:
        return self.parcels - self.parcels_surveyed


def _bill_figures(actor: Actor, organization: Organization, year: int, kind: str) -> BillFigures | None:
    if not actor.has_perm(organization, BillingPerm.BILL_VIEW):
        return None
    row = (
        bills_of(actor=actor, organization=organization, kind=kind, year=year)
        .filter(cancelled_at__isnull=True)
        .aggregate(
            bills=Count("pk"),
            billed=Sum("amount"),
            paid=Sum("paid_principal"),
            paid_bills=Count("pk", filter=Q(status="paid")),
        )
    )
    return BillFigures(
        bills=row["bills"],
        billed=row["billed"] or ZERO,
        paid=row["paid"] or ZERO,
        paid_bills=row["paid_bills"],
    )


def office_overview(*, actor: Actor, organization: Organization, year: int) -> Overview:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    tax_year = TaxYear.objects.filter(organization=organization, year=year).first()
    parcels = Parcel.objects.filter(organization=organization, retired_on__isnull=True).aggregate(
        total=Count("pk"),
        surveyed=Count("pk", filter=~Q(survey_status=Parcel.SurveyStatus.NOT_SURVEYED)),
    )
    run = current_run(organization=organization, year=year)
    taxpayers = {"n": 0, "with_tax": 0, "total": ZERO}
    if run is not None:
        row = Assessment.objects.filter(organization=organization, run=run).aggregate(
            n=Count("pk"), with_tax=Count("pk", filter=Q(total_tax__gt=0)), total=Sum("total_tax")
        )
        taxpayers = {"n": row["n"], "with_tax": row["with_tax"], "total": row["total"] or ZERO}
    active = (
        AssessmentRun.objects.filter(organization=organization, year=year, status__in=AssessmentRun.ACTIVE)
        .order_by("-created_at")
        .first()
    )
    return Overview(
        year=year,
        tax_year=tax_year,
        parcels=parcels["total"],
        parcels_surveyed=parcels["surveyed"],
        signboards=Signboard.objects.filter(organization=organization, removed_on__isnull=True).count(),
        run=run,
        active_run=active,
        taxpayers=taxpayers["n"],
        taxpayers_with_tax=taxpayers["with_tax"],
        assessed_total=taxpayers["total"],
        land_building=_bill_figures(actor, organization, year, BillKind.LAND_BUILDING_TAX),
        signboard=_bill_figures(actor, organization, year, BillKind.SIGNBOARD_TAX),
    )


def runs_of_year(*, actor: Actor, organization: Organization, year: int) -> QuerySet[AssessmentRun]:
    """The year's runs, with who started each (shown by name)."""
    return assessment_runs_of(actor=actor, organization=organization, year=year).select_related("started_by")


def taxpayers_due(
    *, actor: Actor, organization: Organization, year: int, q: str = ""
) -> QuerySet[Assessment]:
    """The year's assessments in force with tax due, searchable by name, national / tax ID or parcel code."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    run = current_run(organization=organization, year=year)
    if run is None:
        return Assessment.objects.none()
    qs = (
        Assessment.objects.filter(organization=organization, run=run, total_tax__gt=0)
        .select_related("owner")
        .defer("sheet")
    )
    if q := q.strip():
        digits = q.replace("-", "").replace(" ", "")
        match = Q(owner__name__icontains=q) | Q(owner__last_name__icontains=q)
        if digits.isdigit():
            match |= Q(owner__national_id=digits) | Q(owner__tax_id=digits)
        code = q.upper()
        match |= Q(
            owner__ownerships__parcel__code=code,
            owner__ownerships__valid_from__lte=f"{year}-01-01",
        )
        qs = qs.filter(match).distinct()
    return qs.order_by("-total_tax", "owner_id")
