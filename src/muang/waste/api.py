"""/api/v1/organizations/{slug}/waste/...: accounts, rate schedules, the billing run, arrears, routes, trips."""

from django.http import HttpRequest
from ninja import Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.waste import selectors
from muang.waste.permissions import WastePerm
from muang.waste.schemas import (
    AccountIn,
    AccountOut,
    BillingRunIn,
    BillingRunOut,
    RateScheduleIn,
    RateScheduleOut,
    RouteIn,
    RouteOut,
    StopOut,
    TripIn,
    TripOut,
    WasteArrearsOut,
)
from muang.waste.services import accounts, billing, collection, rates

router = Router(tags=["waste"])
BASE = "/organizations/{slug}/waste"


@router.get(BASE + "/accounts", response=list[AccountOut])
@paginated()
def accounts_list(request: HttpRequest, slug: str, q: str = ""):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_VIEW)
    return selectors.accounts_of(actor=actor(request), organization=organization, q=q)


@router.post(BASE + "/accounts", response={201: AccountOut})
def accounts_create(request: HttpRequest, slug: str, payload: AccountIn):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_MANAGE)
    return Status(
        201, accounts.account_create(actor=actor(request), organization=organization, **payload.dict())
    )


@router.get(BASE + "/rate-schedules", response=list[RateScheduleOut])
@paginated()
def rate_schedules_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_VIEW)
    return selectors.rate_schedules_of(actor=actor(request), organization=organization)


@router.post(BASE + "/rate-schedules", response={201: RateScheduleOut})
def rate_schedules_create(request: HttpRequest, slug: str, payload: RateScheduleIn):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_MANAGE)
    data = payload.dict()
    return Status(
        201,
        rates.rate_schedule_create(
            actor=actor(request),
            organization=organization,
            ordinance=data["ordinance"],
            effective_from=data["effective_from"],
            rates=data["rates"],
        ),
    )


@router.post(BASE + "/billing-runs", response=BillingRunOut)
def billing_runs_create(request: HttpRequest, slug: str, payload: BillingRunIn):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_BILL)
    return billing.waste_billing_run(
        actor=actor(request), organization=organization, period=payload.period, cycle=payload.cycle
    )


@router.get(BASE + "/arrears", response=list[WasteArrearsOut])
@paginated()
def arrears_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_ARREARS)
    return selectors.arrears_by_account(actor=actor(request), organization=organization)


@router.get(BASE + "/routes", response=list[RouteOut])
@paginated()
def routes_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_VIEW)
    return selectors.routes_of(actor=actor(request), organization=organization)


@router.post(BASE + "/routes", response={201: RouteOut})
def routes_create(request: HttpRequest, slug: str, payload: RouteIn):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_MANAGE)
    data = payload.dict()
    return Status(201, collection.route_create(actor=actor(request), organization=organization, **data))


@router.get(BASE + "/routes/{route_id}/stops", response=list[StopOut])
def route_stops(request: HttpRequest, slug: str, route_id: int):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_VIEW)
    route = selectors.get_route_for(actor=actor(request), organization=organization, route_id=route_id)
    return selectors.stops_of(route)


@router.post(BASE + "/routes/{route_id}/trips", response={201: TripOut})
def route_trips_create(request: HttpRequest, slug: str, route_id: int, payload: TripIn):
    organization = get_organization_for(actor(request), slug, WastePerm.WASTE_CREW)
    route = selectors.get_route_for(
        actor=actor(request), organization=organization, route_id=route_id, perm=WastePerm.WASTE_CREW
    )
    return Status(201, collection.trip_record(actor=actor(request), route=route, **payload.dict()))
