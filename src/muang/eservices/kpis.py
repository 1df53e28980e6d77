"""Numbers for the city dashboard: aggregates only, never a person."""

import datetime as dt
import statistics
from decimal import Decimal

from django.db.models import Sum

from muang.billing.models import Bill, Payment
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_date, bangkok_days
from muang.eservices.models import Application
from muang.eservices.services import APPLICATION_SOURCE


def _decided(organization: Organization, start: dt.date, end: dt.date):
    first, last = bangkok_days(start, end)
    return Application.objects.filter(organization=organization, decided_at__gte=first, decided_at__lt=last)


def decided_on_time(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the applications decided in the period whose decision came within the manual's time."""
    rows = list(_decided(organization, start, end).values_list("decided_at", "due_on"))
    if not rows:
        return None
    on_time = sum(1 for decided_at, due_on in rows if bangkok_date(decided_at) <= due_on)
    return (Decimal(100) * on_time / len(rows)).quantize(Decimal("0.1"))


def median_days(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Median days from application to decision, over the applications decided in the period."""
    days = [
        (bangkok_date(decided) - bangkok_date(submitted)).days
        for submitted, decided in _decided(organization, start, end).values_list("submitted_at", "decided_at")
    ]
    if not days:
        return None
    return Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))


def median_days_per_service(
    *, organization: Organization, start: dt.date, end: dt.date
) -> dict[str, Decimal]:
    """The same, per service (the service's name → median days)."""
    by_service: dict[str, list[int]] = {}
    for name, submitted, decided in _decided(organization, start, end).values_list(
        "service__name", "submitted_at", "decided_at"
    ):
        by_service.setdefault(name, []).append((bangkok_date(decided) - bangkok_date(submitted)).days)
    return {
        name: Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))
        for name, days in sorted(by_service.items())
    }


def fees_billed(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    total = Bill.objects.filter(
        organization=organization,
        source_ref__startswith=APPLICATION_SOURCE.prefix,
        cancelled_at__isnull=True,
        issued_on__gte=start,
        issued_on__lte=end,
    ).aggregate(total=Sum("amount"))["total"]
    return total


def fees_collected(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    total = Payment.objects.filter(
        organization=organization,
        bill__source_ref__startswith=APPLICATION_SOURCE.prefix,
        paid_on__gte=start,
        paid_on__lte=end,
    ).aggregate(total=Sum("amount"))["total"]
    return total
