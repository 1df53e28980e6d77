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


def _principal_paid(bills, by: dt.date) -> Decimal:
    return Payment.objects.filter(bill__in=bills, paid_on__lte=by).aggregate(s=Sum("principal"))["s"] or ZERO


def _of_kind(bills, kind: str | None):
    return bills if kind is None else bills.filter(kind=kind)


def collected_share(
    *, organization: Organization, start: dt.date, end: dt.date, kind: str | None = None
) -> Decimal | None:
    """Percent of the amount of the bills (of ``kind``, or all) falling due in the period that was paid by its
    last day."""
    bills = _of_kind(
        Bill.objects.filter(organization=organization, due_date__range=(start, end)), kind
    ).exclude(status=BillStatus.CANCELLED)
    billed = bills.aggregate(s=Sum("amount"))["s"]
    if not billed:
        return None
    return (100 * _principal_paid(bills.values("pk"), end) / billed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def arrears(
    *, organization: Organization, start: dt.date, end: dt.date, kind: str | None = None
) -> Decimal | None:
    """Baht still unpaid on the period's last day of the bills (of ``kind``, or all) that fell due by then (a
    bill cancelled later was still owed that day; its re-issue, issued after, is not counted twice)."""
    bills = _of_kind(
        Bill.objects.filter(organization=organization, due_date__lte=end, issued_on__lte=end), kind
    ).exclude(cancelled_at__date__lte=end)
    billed = bills.aggregate(s=Sum("amount"))["s"]
    if billed is None:
        return None
    return billed - _principal_paid(bills.values("pk"), end)
