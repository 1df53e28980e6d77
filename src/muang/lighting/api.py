"""/api/v1/organizations/{slug}/lighting/...: poles with their state (Streetlight names), adding one, faults."""

from django.http import HttpRequest
from ninja import Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.lighting import selectors
from muang.lighting.permissions import LightingPerm
from muang.lighting.schemas import FaultOut, PoleIn, StreetlightOut
from muang.lighting.services.poles import pole_create

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
