"""/api/v1: the public stations and their charts (no sign-in), and the staff's stations (all, with their levels)."""

from django.http import HttpRequest
from ninja import Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.environment import selectors, services
from muang.environment.permissions import EnvPerm
from muang.environment.schemas import HistoryOut, StationIn, StationPatch, StationState

router = Router(tags=["environment"])
PUBLIC = "x-muang-public"
ORG = "/organizations/{slug}/environment/stations"


@router.get(
    "/environment/{slug}/stations",
    response=list[StationState],
    auth=None,
    openapi_extra={
        PUBLIC: "the public stations' air quality and water levels: public information, no person"
    },
)
def public_stations_list(request: HttpRequest, slug: str):
    organization = selectors.public_organization(slug)
    return selectors.station_states(selectors.public_stations(organization))


@router.get(
    "/environment/{slug}/stations/{station_id}/history",
    response=HistoryOut,
    auth=None,
    openapi_extra={PUBLIC: "a public station's chart (means per time bucket): public information, no person"},
)
def public_station_history(request: HttpRequest, slug: str, station_id: int, range: str = "24h"):
    """`range`: 24h (quarter-hour means) or 30d (hourly means). A station that is not public is not found."""
    organization = selectors.public_organization(slug)
    station = selectors.get_public_station(organization, station_id)
    return selectors.station_history(station=station, range_code=range)


@router.get(ORG, response=list[StationState])
def stations_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, EnvPerm.ENV_VIEW)
    return selectors.station_states(selectors.stations_of(actor=actor(request), organization=organization))


@router.post(ORG, response={201: StationState})
def stations_create(request: HttpRequest, slug: str, payload: StationIn):
    organization = get_organization_for(actor(request), slug, EnvPerm.ENV_MANAGE)
    station = services.station_create(actor=actor(request), organization=organization, **payload.dict())
    return Status(201, selectors.station_states([station])[0])


@router.patch(ORG + "/{station_id}", response=StationState)
def stations_update(request: HttpRequest, slug: str, station_id: int, payload: StationPatch):
    organization = get_organization_for(actor(request), slug, EnvPerm.ENV_MANAGE)
    station = selectors.get_station_for(
        actor=actor(request), organization=organization, station_id=station_id
    )
    station = services.station_update(
        actor=actor(request), station=station, data=payload.dict(exclude_unset=True)
    )
    return selectors.station_states([station])[0]


@router.get(ORG + "/{station_id}/history", response=HistoryOut)
def stations_history(request: HttpRequest, slug: str, station_id: int, range: str = "24h"):
    organization = get_organization_for(actor(request), slug, EnvPerm.ENV_VIEW)
    station = selectors.get_station_for(
        actor=actor(request), organization=organization, station_id=station_id
    )
    return selectors.station_history(station=station, range_code=range)
