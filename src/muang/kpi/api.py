"""/api/v1/organizations/{slug}/kpi/…: the indicator catalogue, yearly targets, hand-entered values and the
monthly snapshots (aggregates only)."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.kpi import selectors, services
from muang.kpi.permissions import KpiPerm
from muang.kpi.schemas import IndicatorOut, ManualValueOut, SnapshotOut, TargetIn, TargetOut

router = Router(tags=["kpi"])
BASE = "/organizations/{slug}/kpi"


@router.get(BASE + "/indicators", response=list[IndicatorOut])
@paginated()
def indicators_list(request: HttpRequest, slug: str):
    """The indicators of the frameworks, with their areas, units, good direction and source."""
    a = actor(request)
    organization = get_organization_for(a, slug, KpiPerm.KPI_VIEW)
    return selectors.indicators(actor=a, organization=organization)


@router.get(BASE + "/targets", response=list[TargetOut])
@paginated()
def targets_list(request: HttpRequest, slug: str, fiscal_year: int | None = None):
    a = actor(request)
    organization = get_organization_for(a, slug, KpiPerm.KPI_VIEW)
    return selectors.targets_of(actor=a, organization=organization, fiscal_year=fiscal_year)


@router.put(BASE + "/targets", response=TargetOut)
def targets_set(request: HttpRequest, slug: str, payload: TargetIn):
    """Set (or change) an indicator's target for a fiscal year (Buddhist Era): audited."""
    a = actor(request)
    organization = get_organization_for(a, slug, KpiPerm.KPI_MANAGE)
    return services.target_set(
        actor=a,
        organization=organization,
        indicator=selectors.get_indicator(payload.indicator),
        fiscal_year=payload.fiscal_year,
        value=payload.value,
    )


@router.get(BASE + "/values", response=list[ManualValueOut])
@paginated()
def values_list(
    request: HttpRequest, slug: str, status: Literal["pending", "approved", "rejected"] | None = None
):
    """The figures entered by hand and what became of them."""
    a = actor(request)
    organization = get_organization_for(a, slug, KpiPerm.KPI_VIEW)
    return selectors.manual_values_of(actor=a, organization=organization, status=status)


@router.get(BASE + "/snapshots", response=list[SnapshotOut])
@paginated()
def snapshots_list(
    request: HttpRequest,
    slug: str,
    indicator: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """The monthly figures, newest first (`indicator` a code; `since`/`until` dates, by month)."""
    a = actor(request)
    organization = get_organization_for(a, slug, KpiPerm.KPI_VIEW)
    return selectors.snapshots_of(
        actor=a, organization=organization, indicator=indicator, since=since, until=until
    )
