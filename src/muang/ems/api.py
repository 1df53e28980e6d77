"""/api/v1/organizations/{slug}/ems/…: incidents, units and their statuses for the provincial 1669 centre."""

from django.http import HttpRequest
from ninja import Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.ems import selectors
from muang.ems.permissions import EmsPerm
from muang.ems.schemas import (
    AlertCloseIn,
    AlertIncidentIn,
    AlertOut,
    DispatchIn,
    IncidentIn,
    IncidentOut,
    RankedOut,
    StepIn,
    UnitIn,
    UnitOut,
    UnitStatusIn,
    WristbandIn,
    WristbandOut,
    WristbandReplaceIn,
    WristbandRulesIn,
)
from muang.ems.services import alerts, incidents, units, wristbands

router = Router(tags=["ems"])
ORG = "/organizations/{slug}/ems"


@router.get(ORG + "/incidents", response=list[IncidentOut])
@paginated()
def incidents_list(request: HttpRequest, slug: str, open_only: bool = False, colour: str = ""):
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_VIEW)
    return selectors.incidents_of(
        actor=actor(request), organization=organization, open_only=open_only, colour=colour
    )


@router.post(ORG + "/incidents", response={201: IncidentOut})
def incidents_create(request: HttpRequest, slug: str, payload: IncidentIn):
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_DISPATCH)
    return Status(
        201, incidents.incident_create(actor=actor(request), organization=organization, **payload.dict())
    )


@router.get(ORG + "/incidents/{incident_id}", response=IncidentOut)
def incidents_get(request: HttpRequest, slug: str, incident_id: int):
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_VIEW)
    return selectors.get_incident_for(
        actor=actor(request), organization=organization, incident_id=incident_id
    )


@router.get(ORG + "/incidents/{incident_id}/ranking", response=list[RankedOut])
def incidents_ranking(request: HttpRequest, slug: str, incident_id: int):
    """Available units, nearest by road first (`by_road` false: the straight-line estimate)."""
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_VIEW)
    incident = selectors.get_incident_for(
        actor=actor(request), organization=organization, incident_id=incident_id
    )
    return [
        {
            "unit_id": r.unit.pk,
            "call_sign": r.unit.call_sign,
            "level": r.unit.level,
            "seconds": r.seconds,
            "metres": r.metres,
            "by_road": r.by_road,
        }
        for r in selectors.ranking_for(actor=actor(request), incident=incident)
    ]


@router.post(ORG + "/incidents/{incident_id}/dispatch", response=IncidentOut)
def incidents_dispatch(request: HttpRequest, slug: str, incident_id: int, payload: DispatchIn):
    """Send a unit; 409 when it is not available or the incident already has one."""
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_DISPATCH)
    incident = selectors.get_incident_for(
        actor=actor(request), organization=organization, incident_id=incident_id
    )
    unit = selectors.get_unit_for(actor=actor(request), organization=organization, unit_id=payload.unit_id)
    return incidents.incident_dispatch(actor=actor(request), incident=incident, unit=unit, at=payload.at)


@router.post(ORG + "/incidents/{incident_id}/steps", response=IncidentOut)
def incidents_step(request: HttpRequest, slug: str, incident_id: int, payload: StepIn):
    """Stamp the next step; 409 when it is out of the legal order."""
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_DISPATCH)
    incident = selectors.get_incident_for(
        actor=actor(request), organization=organization, incident_id=incident_id
    )
    return incidents.incident_stamp(actor=actor(request), incident=incident, **payload.dict())


@router.get(ORG + "/units", response=list[UnitOut])
@paginated()
def units_list(request: HttpRequest, slug: str):
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_VIEW)
    return selectors.units_of(actor=actor(request), organization=organization)


@router.post(ORG + "/units", response={201: UnitOut})
def units_create(request: HttpRequest, slug: str, payload: UnitIn):
    """A unit at its base (the EMS department's head)."""
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_MANAGE)
    return Status(201, units.unit_create(actor=actor(request), organization=organization, **payload.dict()))


@router.post(ORG + "/units/{unit_id}/status", response=UnitOut)
def units_status(request: HttpRequest, slug: str, unit_id: int, payload: UnitStatusIn):
    organization = get_organization_for(actor(request), slug, EmsPerm.EMS_DISPATCH)
    unit = selectors.get_unit_for(actor=actor(request), organization=organization, unit_id=unit_id)
    return units.unit_set_status(actor=actor(request), unit=unit, status=payload.status)


@router.get(ORG + "/alerts", response=list[AlertOut])
@paginated()
def alerts_list(request: HttpRequest, slug: str, open_only: bool = False):
    """Wristband alerts, newest first (no name, no health data)."""
    organization = get_organization_for(actor(request), slug, EmsPerm.ALERTS_READ)
    return selectors.alerts_of(actor=actor(request), organization=organization, open_only=open_only)


@router.get(ORG + "/alerts/{alert_id}", response=AlertOut)
def alerts_get(request: HttpRequest, slug: str, alert_id: int):
    organization = get_organization_for(actor(request), slug, EmsPerm.ALERTS_READ)
    return selectors.get_alert_for(actor=actor(request), organization=organization, alert_id=alert_id)


def _alert(request: HttpRequest, slug: str, alert_id: int):
    organization = get_organization_for(actor(request), slug, EmsPerm.ALERTS)
    return selectors.get_alert_for(actor=actor(request), organization=organization, alert_id=alert_id)


@router.post(ORG + "/alerts/{alert_id}/acknowledge", response=AlertOut)
def alerts_acknowledge(request: HttpRequest, slug: str, alert_id: int):
    """Take the alert (its escalation stops); 409 naming who already took it."""
    return alerts.alert_acknowledge(actor=actor(request), alert=_alert(request, slug, alert_id))


@router.post(ORG + "/alerts/{alert_id}/close", response=AlertOut)
def alerts_close(request: HttpRequest, slug: str, alert_id: int, payload: AlertCloseIn):
    """Close it as a false alarm (or handled), with the reason."""
    return alerts.alert_close(actor=actor(request), alert=_alert(request, slug, alert_id), **payload.dict())


@router.post(ORG + "/alerts/{alert_id}/incident", response={201: IncidentOut})
def alerts_incident(request: HttpRequest, slug: str, alert_id: int, payload: AlertIncidentIn):
    """Open the EMS incident of the alert, everything filled in (needs the EMS dispatch permission too)."""
    alert = _alert(request, slug, alert_id)
    return Status(
        201, alerts.alert_to_incident(actor=actor(request), alert=alert, criterion=payload.criterion)
    )


@router.get(ORG + "/wristbands", response=list[WristbandOut])
@paginated()
def wristbands_list(request: HttpRequest, slug: str, active_only: bool = True):
    """The bands given to people of the care register and their rules (the care centre's staff)."""
    organization = get_organization_for(actor(request), slug, EmsPerm.WRISTBANDS)
    return selectors.wristbands_of(actor=actor(request), organization=organization, active_only=active_only)


@router.post(ORG + "/wristbands", response={201: WristbandOut})
def wristbands_create(request: HttpRequest, slug: str, payload: WristbandIn):
    """Give a band to a person with their rules; 422 naming the field for an unknown person, a person who
    already wears a band, or a device id already registered."""
    organization = get_organization_for(actor(request), slug, EmsPerm.WRISTBANDS)
    data = payload.dict()
    person = selectors.person_for_band(
        actor=actor(request), organization=organization, person_id=data.pop("person_id")
    )
    return Status(
        201,
        wristbands.wristband_create(actor=actor(request), organization=organization, person=person, **data),
    )


def _band(request: HttpRequest, slug: str, band_id: int):
    organization = get_organization_for(actor(request), slug, EmsPerm.WRISTBANDS)
    return selectors.get_wristband_for(actor=actor(request), organization=organization, band_id=band_id)


@router.get(ORG + "/wristbands/{band_id}", response=WristbandOut)
def wristbands_get(request: HttpRequest, slug: str, band_id: int):
    return _band(request, slug, band_id)


@router.put(ORG + "/wristbands/{band_id}/rules", response=WristbandOut)
def wristbands_rules(request: HttpRequest, slug: str, band_id: int, payload: WristbandRulesIn):
    """Set the wearer's rules (every rule given; an empty one is not checked); 409 for a band taken off."""
    band = _band(request, slug, band_id)
    return wristbands.wristband_update_rules(
        actor=actor(request),
        band=band,
        family_line=band.family_line,
        geofence=band.geofence,
        **payload.dict(),
    )


@router.post(ORG + "/wristbands/{band_id}/replace", response={201: WristbandOut})
def wristbands_replace(request: HttpRequest, slug: str, band_id: int, payload: WristbandReplaceIn):
    """A new band for the same person with the same rules; the old one is taken off."""
    band = _band(request, slug, band_id)
    return Status(201, wristbands.wristband_replace(actor=actor(request), band=band, serial=payload.serial))


@router.post(ORG + "/wristbands/{band_id}/unregister", response=WristbandOut)
def wristbands_unregister(request: HttpRequest, slug: str, band_id: int):
    """Take the band off the person (409 when it already is); its alerts stay in the person's history."""
    return wristbands.wristband_unregister(actor=actor(request), band=_band(request, slug, band_id))
