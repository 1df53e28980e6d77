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


def collected_share(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the amount of the bills falling due in the period that was paid by its last day."""
    bills = Bill.objects.filter(organization=organization, due_date__range=(start, end)).exclude(
        status=BillStatus.CANCELLED
    )
    billed = bills.aggregate(s=Sum("amount"))["s"]
    if not billed:
        return None
    return (100 * _principal_paid(bills.values("pk"), end) / billed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def arrears(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Baht still unpaid on the period's last day of the bills that fell due by then (a bill cancelled later was
    still owed that day; its re-issue, issued after, is not counted twice)."""
    bills = Bill.objects.filter(organization=organization, due_date__lte=end, issued_on__lte=end).exclude(
        cancelled_at__date__lte=end
    )
    billed = bills.aggregate(s=Sum("amount"))["s"]
    if billed is None:
        return None
    return billed - _principal_paid(bills.values("pk"), end)
