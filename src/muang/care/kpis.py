"""Numbers for the city dashboard: aggregates only, never a person. The register as it stood on `end` (people
alive and not anonymised, by their latest ADL group), and the share of dependent people with a care plan of
the fiscal year containing `end`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from muang.care.barthel import DEPENDENT
from muang.care.models import CarePlan, CarePlanStatus, Group, Person
from muang.core.models import Organization
from muang.core.thai_dates import fiscal_year


def _people(organization: Organization, end: dt.date):
    return Person.objects.filter(organization=organization, anonymized_at__isnull=True).filter(
        Q(died_on__isnull=True) | Q(died_on__gt=end)
    )


def _group_count(group: Group, organization: Organization, end: dt.date) -> Decimal | None:
    """People of `group` on `end`, in one query (None when the register is empty)."""
    counts = _people(organization, end).aggregate(
        all=Count("id"), group=Count("id", filter=Q(adl_group=group))
    )
    if not counts["all"]:
        return None
    return Decimal(counts["group"])


def socially_active(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _group_count(Group.SOCIAL, organization, end)


def home_bound(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _group_count(Group.HOME, organization, end)


def bed_bound(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _group_count(Group.BED, organization, end)


def dependent_with_plan(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the dependent (home- or bed-bound) with an active care plan for the fiscal year of `end`."""
    plans = CarePlan.objects.filter(
        person=OuterRef("pk"), status=CarePlanStatus.ACTIVE, fiscal_year=fiscal_year(end)
    )
    counts = (
        _people(organization, end)
        .filter(adl_group__in=[g.value for g in DEPENDENT])
        .aggregate(all=Count("id"), planned=Count("id", filter=Q(Exists(plans))))
    )
    if not counts["all"]:
        return None
    return (Decimal(100) * counts["planned"] / counts["all"]).quantize(Decimal("0.1"))


def allowances_paid_on_time(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the allowance payment runs for months in [start, end] that were paid by their due day (the
    10th); a run not yet paid counts as late once its due day has passed."""
    from muang.care.models import AllowanceRun, AllowanceRunStatus

    runs = AllowanceRun.objects.filter(
        organization=organization, month__gte=start.replace(day=1), month__lte=end
    ).exclude(status=AllowanceRunStatus.FAILED)
    counts = runs.filter(Q(paid_on__isnull=False) | Q(due_on__lt=end)).aggregate(
        all=Count("id"), on_time=Count("id", filter=Q(paid_on__lte=F("due_on")))
    )
    if not counts["all"]:
        return None
    return (Decimal(100) * counts["on_time"] / counts["all"]).quantize(Decimal("0.1"))


def visits_done_against_planned(
    *, organization: Organization, start: dt.date, end: dt.date
) -> Decimal | None:
    """Percent of the visits planned for days `start`–`end` (from the care plans, and teleconsultations) that
    were done; None when none was planned."""
    from muang.care.models import Visit

    counts = Visit.objects.filter(
        organization=organization, planned_on__gte=start, planned_on__lte=end
    ).aggregate(planned=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    if not counts["planned"]:
        return None
    return (Decimal(100) * counts["done"] / counts["planned"]).quantize(Decimal("0.1"))
