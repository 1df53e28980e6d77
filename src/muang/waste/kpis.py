"""Waste fees for the city dashboard: aggregates of the waste bills (billing's selectors, one kind)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from muang.billing.kpis import arrears as billing_arrears
from muang.billing.kpis import arrears_bulk as billing_arrears_bulk
from muang.billing.kpis import collected_share, collected_share_bulk
from muang.billing.models import BillKind
from muang.core.models import Organization


def collection_rate(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Percent of the waste fees falling due in the period that were paid by its last day."""
    return collected_share(organization=organization, start=start, end=end, kind=BillKind.WASTE_FEE)


def arrears(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Baht of waste fees fallen due and unpaid on the period's last day."""
    return billing_arrears(organization=organization, start=start, end=end, kind=BillKind.WASTE_FEE)


def collection_rate_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return collected_share_bulk(
        organization_ids=organization_ids, start=start, end=end, kind=BillKind.WASTE_FEE
    )


def arrears_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return billing_arrears_bulk(
        organization_ids=organization_ids, start=start, end=end, kind=BillKind.WASTE_FEE
    )
