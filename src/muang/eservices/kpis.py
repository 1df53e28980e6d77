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
    return _decided_of([organization.pk], start, end)


def _decided_of(organization_ids, start: dt.date, end: dt.date):
    first, last = bangkok_days(start, end)
    return Application.objects.filter(
        organization_id__in=list(organization_ids), decided_at__gte=first, decided_at__lt=last
    )


def _one(bulk, organization: Organization, start: dt.date, end: dt.date):
    return bulk(organization_ids=[organization.pk], start=start, end=end).get(organization.pk)


def decided_on_time_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Percent of the applications decided in the period whose decision came within the manual's time, for each
    organisation (one query for all; an organisation that decided none is absent)."""
    counts: dict[int, list[int]] = {}
    for org, decided_at, due_on in _decided_of(organization_ids, start, end).values_list(
        "organization_id", "decided_at", "due_on"
    ):
        tally = counts.setdefault(org, [0, 0])
        tally[0] += 1
        tally[1] += bangkok_date(decided_at) <= due_on
    return {
        org: (Decimal(100) * on_time / n).quantize(Decimal("0.1")) for org, (n, on_time) in counts.items()
    }


def decided_on_time(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(decided_on_time_bulk, organization, start, end)


def median_days_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Median days from application to decision, over the applications decided in the period, per organisation."""
    days: dict[int, list[int]] = {}
    for org, submitted, decided in _decided_of(organization_ids, start, end).values_list(
        "organization_id", "submitted_at", "decided_at"
    ):
        days.setdefault(org, []).append((bangkok_date(decided) - bangkok_date(submitted)).days)
    return {org: Decimal(str(statistics.median(d))).quantize(Decimal("0.1")) for org, d in days.items()}


def median_days(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(median_days_bulk, organization, start, end)


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


def fees_billed_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    return dict(
        Bill.objects.filter(
            organization_id__in=list(organization_ids),
            source_ref__startswith=APPLICATION_SOURCE.prefix,
            cancelled_at__isnull=True,
            issued_on__gte=start,
            issued_on__lte=end,
        )
        .values("organization_id")
        .annotate(total=Sum("amount"))
        .values_list("organization_id", "total")
    )


def fees_billed(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(fees_billed_bulk, organization, start, end)


def fees_collected_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    return dict(
        Payment.objects.filter(
            organization_id__in=list(organization_ids),
            bill__source_ref__startswith=APPLICATION_SOURCE.prefix,
            paid_on__gte=start,
            paid_on__lte=end,
        )
        .values("organization_id")
        .annotate(total=Sum("amount"))
        .values_list("organization_id", "total")
    )


def fees_collected(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(fees_collected_bulk, organization, start, end)
