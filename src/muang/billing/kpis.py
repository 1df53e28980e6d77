"""Billing's numbers for the city dashboard (`AppContract.kpi_sources`): totals of an organisation's bills,
never a payer. Each is `f(*, organization, start, end) -> Decimal | None` over the days `start`..`end`
inclusive; payments count by the day they were paid, so a past period's figure does not move with later
payments."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from muang.billing.models import Bill, BillStatus, Payment
from muang.core.models import Organization

ZERO = Decimal("0.00")


def _paid_per_organization(bills, by: dt.date) -> dict[int, Decimal]:
    rows = (
        Payment.objects.filter(bill__in=bills.values("pk"), paid_on__lte=by)
        .values("bill__organization_id")
        .annotate(s=Sum("principal"))
        .values_list("bill__organization_id", "s")
    )
    return {org: paid or ZERO for org, paid in rows}


def _billed_per_organization(bills) -> dict[int, Decimal | None]:
    return dict(bills.values("organization_id").annotate(s=Sum("amount")).values_list("organization_id", "s"))


def _of_kind(bills, kind: str | None):
    return bills if kind is None else bills.filter(kind=kind)


def _one(bulk, organization: Organization, start: dt.date, end: dt.date, kind: str | None):
    return bulk(organization_ids=[organization.pk], start=start, end=end, kind=kind).get(organization.pk)


def collected_share_bulk(
    *, organization_ids, start: dt.date, end: dt.date, kind: str | None = None
) -> dict[int, Decimal]:
    """Percent of the amount of the bills (of ``kind``, or all) falling due in the period that was paid by its
    last day, for each organisation (two queries for all; an organisation that billed nothing is absent)."""
    bills = _of_kind(
        Bill.objects.filter(organization_id__in=list(organization_ids), due_date__range=(start, end)), kind
    ).exclude(status=BillStatus.CANCELLED)
    billed = _billed_per_organization(bills)
    paid = _paid_per_organization(bills, end) if any(billed.values()) else {}
    return {
        org: (100 * paid.get(org, ZERO) / amount).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for org, amount in billed.items()
        if amount
    }


def collected_share(
    *, organization: Organization, start: dt.date, end: dt.date, kind: str | None = None
) -> Decimal | None:
    return _one(collected_share_bulk, organization, start, end, kind)


def arrears_bulk(
    *, organization_ids, start: dt.date, end: dt.date, kind: str | None = None
) -> dict[int, Decimal]:
    """Baht still unpaid on the period's last day of the bills (of ``kind``, or all) that fell due by then (a
    bill cancelled later was still owed that day; its re-issue, issued after, is not counted twice), for each
    organisation."""
    bills = _of_kind(
        Bill.objects.filter(
            organization_id__in=list(organization_ids), due_date__lte=end, issued_on__lte=end
        ),
        kind,
    ).exclude(cancelled_at__date__lte=end)
    billed = _billed_per_organization(bills)
    paid = _paid_per_organization(bills, end) if billed else {}
    return {org: amount - paid.get(org, ZERO) for org, amount in billed.items() if amount is not None}


def arrears(
    *, organization: Organization, start: dt.date, end: dt.date, kind: str | None = None
) -> Decimal | None:
    return _one(arrears_bulk, organization, start, end, kind)
