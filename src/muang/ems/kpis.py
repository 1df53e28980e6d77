"""Numbers for the city dashboard: aggregates only, per organisation and period (Bangkok days)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days
from muang.ems.models import Incident

RED_TARGET = dt.timedelta(minutes=8)  # the national EMS institute's aim for critical cases


def _reached(organization: Organization, start: dt.date, end: dt.date):
    first, after = bangkok_days(start, end)
    return Incident.objects.filter(
        organization=organization,
        call_received_at__gte=first,
        call_received_at__lt=after,
        at_scene_at__isnull=False,
    ).annotate(
        response=ExpressionWrapper(F("at_scene_at") - F("call_received_at"), output_field=DurationField())
    )


def response_minutes(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Average minutes from the call received to the unit at the scene."""
    average = _reached(organization, start, end).aggregate(avg=Avg("response"))["avg"]
    if average is None:
        return None
    return (Decimal(average.total_seconds()) / 60).quantize(Decimal("0.1"))


def red_within_8_minutes(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the red (critical) incidents reached within 8 minutes of the call."""
    counts = (
        _reached(organization, start, end)
        .filter(colour="red")
        .aggregate(all=Count("id"), fast=Count("id", filter=Q(response__lte=RED_TARGET)))
    )
    if not counts["all"]:
        return None
    return (Decimal(100) * counts["fast"] / counts["all"]).quantize(Decimal("0.1"))


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
