"""/api/v1/organizations/{slug}/lighting/...: poles with their state (Streetlight names), adding one, faults."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.errors import NotFound
from muang.core.pagination import paginated
from muang.core.thai_dates import bangkok_date
from muang.lighting import selectors
from muang.lighting.energy import month_energy
from muang.lighting.permissions import LightingPerm
from muang.lighting.schemas import EnergyOut, FaultOut, GroupOut, PoleIn, ScheduleIn, StreetlightOut
from muang.lighting.services.poles import pole_create
from muang.lighting.services.schedules import schedule_set

router = Router(tags=["lighting"])
BASE = "/organizations/{slug}/lighting"


@router.get(BASE + "/poles", response=list[StreetlightOut], by_alias=False)
@paginated()
def poles_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_VIEW)
    return selectors.streetlights(actor=actor(request), organization=organization)


@router.get(BASE + "/poles/{pole_id}", response=StreetlightOut, by_alias=False)
def poles_get(request: HttpRequest, slug: str, pole_id: int):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_VIEW)
    return selectors.streetlight(actor=actor(request), organization=organization, pole_id=pole_id)


@router.post(BASE + "/poles", response={201: StreetlightOut}, by_alias=False)
def poles_create(request: HttpRequest, slug: str, payload: PoleIn):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_MANAGE)
    pole = pole_create(actor=actor(request), organization=organization, **payload.dict())
    return Status(
        201, selectors.streetlight(actor=actor(request), organization=organization, pole_id=pole.pk)
    )


@router.get(BASE + "/faults", response=list[FaultOut])
@paginated()
def faults_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_VIEW)
    return selectors.open_faults_of(actor=actor(request), organization=organization)


@router.get(BASE + "/schedules", response=list[GroupOut])
@paginated()
def schedules_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_VIEW)
    return selectors.groups_of(actor=actor(request), organization=organization).prefetch_related("steps")


@router.put(BASE + "/schedules/{group_id}", response=GroupOut)
def schedules_set(request: HttpRequest, slug: str, group_id: int, payload: ScheduleIn):
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_MANAGE)
    group = selectors.groups_of(actor=actor(request), organization=organization).filter(pk=group_id).first()
    if group is None:
        raise NotFound("No such group.")
    schedule_set(
        actor=actor(request), organization=organization, group=group, steps=[s.dict() for s in payload.steps]
    )
    return group


@router.get(BASE + "/energy", response=EnergyOut)
def energy_month(request: HttpRequest, slug: str, month: dt.date | None = None):
    """The month's energy (any day of it; this month by default): kWh, baht, saving from dimming, availability."""
    organization = get_organization_for(actor(request), slug, LightingPerm.LIGHTING_VIEW)
    now = timezone.now()
    return month_energy(
        actor=actor(request), organization=organization, month=month or bangkok_date(now), now=now
    )
