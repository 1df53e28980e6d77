"""Numbers for the city dashboard: aggregates only, per organisation and period (Bangkok days)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days
from muang.ems.models import Incident

RED_TARGET = dt.timedelta(minutes=8)  # the national EMS institute's aim for critical cases


def _reached(organization: Organization, start: dt.date, end: dt.date):
    return _reached_of([organization.pk], start, end)


def _reached_of(organization_ids, start: dt.date, end: dt.date):
    first, after = bangkok_days(start, end)
    return Incident.objects.filter(
        organization_id__in=list(organization_ids),
        call_received_at__gte=first,
        call_received_at__lt=after,
        at_scene_at__isnull=False,
    ).annotate(
        response=ExpressionWrapper(F("at_scene_at") - F("call_received_at"), output_field=DurationField())
    )


def _one(bulk, organization: Organization, start: dt.date, end: dt.date):
    return bulk(organization_ids=[organization.pk], start=start, end=end).get(organization.pk)


def response_minutes_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Average minutes from the call received to the unit at the scene, per organisation (one query)."""
    rows = (
        _reached_of(organization_ids, start, end)
        .values("organization_id")
        .annotate(avg=Avg("response"))
        .values_list("organization_id", "avg")
    )
    return {
        org: (Decimal(average.total_seconds()) / 60).quantize(Decimal("0.1"))
        for org, average in rows
        if average is not None
    }


def response_minutes(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(response_minutes_bulk, organization, start, end)


def red_within_8_minutes_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Percent of the red (critical) incidents reached within 8 minutes of the call, per organisation."""
    rows = (
        _reached_of(organization_ids, start, end)
        .filter(colour="red")
        .values("organization_id")
        .annotate(all=Count("id"), fast=Count("id", filter=Q(response__lte=RED_TARGET)))
        .values_list("organization_id", "all", "fast")
    )
    return {org: (Decimal(100) * fast / n).quantize(Decimal("0.1")) for org, n, fast in rows if n}


def red_within_8_minutes(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(red_within_8_minutes_bulk, organization, start, end)


def monthly_by_unit(*, organization: Organization, start: dt.date, end: dt.date) -> list[dict]:
    """For the dashboard's table: per Bangkok month and unit, the incidents reached, their average response in
    minutes and the red ones reached within 8 minutes (aggregates only)."""
    from django.db.models.functions import TruncMonth

    from muang.core.thai_dates import BANGKOK

    rows = (
        _reached(organization, start, end)
        .annotate(month=TruncMonth("call_received_at", tzinfo=BANGKOK))
        .values("month", "unit__call_sign")
        .annotate(
            reached=Count("id"),
            average=Avg("response"),
            red=Count("id", filter=Q(colour="red")),
            red_fast=Count("id", filter=Q(colour="red", response__lte=RED_TARGET)),
        )
        .order_by("month", "unit__call_sign")
    )
    return [
        {
            "month": r["month"].date(),
            "unit": r["unit__call_sign"] or "",
            "reached": r["reached"],
            "response_minutes": (Decimal(r["average"].total_seconds()) / 60).quantize(Decimal("0.1")),
            "red": r["red"],
            "red_within_8_minutes": r["red_fast"],
        }
        for r in rows
    ]
