"""Numbers for the city dashboard: aggregates only, never a person. The register as it stood on `end` (people
alive and not anonymised, by their latest ADL group), and the share of dependent people with a care plan of
the fiscal year containing `end`.

Each figure has a `*_bulk` form for many organisations in one query (the monthly snapshot of thousands); the
one-organisation selector is the bulk form for one, so the two cannot disagree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from muang.care.barthel import DEPENDENT
from muang.care.models import CarePlan, CarePlanStatus, Group, Person
from muang.core.models import Organization
from muang.core.thai_dates import fiscal_year


def _people(organization_ids, end: dt.date):
    return Person.objects.filter(
        organization_id__in=list(organization_ids), anonymized_at__isnull=True
    ).filter(Q(died_on__isnull=True) | Q(died_on__gt=end))


def _one(bulk, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return bulk(organization_ids=[organization.pk], start=start, end=end).get(organization.pk)


def _group_counts(organization_ids, end: dt.date, group: Group) -> dict[int, Decimal]:
    """The register on `end`: how many people of each organisation are in `group` (one query for all; an
    organisation with nobody registered is absent: no figure)."""
    rows = (
        _people(organization_ids, end)
        .values("organization_id")
        .annotate(n=Count("id", filter=Q(adl_group=group)))
        .values_list("organization_id", "n")
    )
    return {org: Decimal(n) for org, n in rows}


def socially_active_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return _group_counts(organization_ids, end, Group.SOCIAL)


def home_bound_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return _group_counts(organization_ids, end, Group.HOME)


def bed_bound_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return _group_counts(organization_ids, end, Group.BED)


def socially_active(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(socially_active_bulk, organization, start, end)


def home_bound(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(home_bound_bulk, organization, start, end)


def bed_bound(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(bed_bound_bulk, organization, start, end)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def dependent_with_plan_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Percent of the dependent (home- or bed-bound) with an active care plan for the fiscal year of `end`."""
    plans = CarePlan.objects.filter(
        person=OuterRef("pk"), status=CarePlanStatus.ACTIVE, fiscal_year=fiscal_year(end)
    )
    rows = (
        _people(organization_ids, end)
        .filter(adl_group__in=[g.value for g in DEPENDENT])
        .values("organization_id")
        .annotate(all=Count("id"), planned=Count("id", filter=Q(Exists(plans))))
        .values_list("organization_id", "all", "planned")
    )
    return {org: _percent(planned, total) for org, total, planned in rows if total}


def dependent_with_plan(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(dependent_with_plan_bulk, organization, start, end)


def allowances_paid_on_time_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Percent of the allowance payment runs for months in [start, end] that were paid by their due day (the
    10th); a run not yet paid counts as late once its due day has passed."""
    from muang.care.models import AllowanceRun, AllowanceRunStatus

    rows = (
        AllowanceRun.objects.filter(
            organization_id__in=list(organization_ids), month__gte=start.replace(day=1), month__lte=end
        )
        .exclude(status=AllowanceRunStatus.FAILED)
        .filter(Q(paid_on__isnull=False) | Q(due_on__lt=end))
        .values("organization_id")
        .annotate(all=Count("id"), on_time=Count("id", filter=Q(paid_on__lte=F("due_on"))))
        .values_list("organization_id", "all", "on_time")
    )
    return {org: _percent(on_time, total) for org, total, on_time in rows if total}


def allowances_paid_on_time(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(allowances_paid_on_time_bulk, organization, start, end)


def visits_done_against_planned_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Percent of the visits planned for days `start`–`end` (from the care plans, and teleconsultations) that
    were done; no figure when none was planned."""
    from muang.care.models import Visit

    rows = (
        Visit.objects.filter(
            organization_id__in=list(organization_ids), planned_on__gte=start, planned_on__lte=end
        )
        .values("organization_id")
        .annotate(planned=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        .values_list("organization_id", "planned", "done")
    )
    return {org: _percent(done, planned) for org, planned, done in rows if planned}


def visits_done_against_planned(
    *, organization: Organization, start: dt.date, end: dt.date
) -> Decimal | None:
    return _one(visits_done_against_planned_bulk, organization, start, end)
