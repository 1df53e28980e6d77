"""Units: the register, their status, and their positions (from trackers through the IoT core's ingest)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.bulk import among
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.core.validation import point_from
from muang.ems.models import Unit
from muang.ems.permissions import EmsPerm


def unit_create(
    *,
    actor: Actor,
    organization: Organization,
    call_sign: str,
    lat: float,
    lon: float,
    kind: str = Unit.Kind.AMBULANCE,
    level: str = Unit.Level.BASIC,
    crew: str = "",
    phone: str = "",
    device=None,
) -> Unit:
    """A unit at its base (where it waits while no tracker reports)."""
    require(actor, organization, EmsPerm.EMS_MANAGE)
    call_sign = call_sign.strip()
    if not call_sign:
        raise InvalidInput.for_field("call_sign", _("Give the unit's call sign."))
    if kind not in Unit.Kind.values:
        raise InvalidInput.for_field("kind", _("Unknown kind of unit."))
    if level not in Unit.Level.values:
        raise InvalidInput.for_field("level", _("Unknown level of unit."))
    base = point_from(lat=lat, lon=lon)
    with transaction.atomic():
        if Unit.objects.filter(organization=organization, call_sign=call_sign).exists():
            raise InvalidInput.for_field("call_sign", _("Another unit already has this call sign."))
        unit = Unit.objects.create(
            organization=organization,
            call_sign=call_sign,
            kind=kind,
            level=level,
            crew=crew.strip(),
            phone=phone.strip(),
            base=base,
            device=device,
        )
        audit.record_create(actor=actor, organization=organization, instance=unit)
    return unit


def unit_set_status(*, actor: Actor, unit: Unit, status: str) -> Unit:
    """Take a unit out of service or put it back. A unit on a mission changes status through its incident."""
    require(actor, unit.organization, EmsPerm.EMS_DISPATCH)
    if status not in (Unit.Status.AVAILABLE, Unit.Status.OUT_OF_SERVICE):
        raise InvalidInput.for_field(
            "status", _("A unit is put in or out of service; missions set the rest.")
        )
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.status == Unit.Status.ON_MISSION:
            raise Conflict(_("%(unit)s is on a mission: finish its incident first.") % {"unit": locked})
        if locked.status != status:
            before = locked.status
            locked.status = status
            locked.save(update_fields=["status"])
            audit.record(
                actor=actor,
                organization=locked.organization,
                instance=locked,
                action="update",
                changes={"status": [before, status]},
            )
    return locked


def unit_move(*, unit: Unit, lat: float, lon: float, at: dt.datetime) -> bool:
    """A position of the unit's tracker; an older one than what the unit has is ignored. True when it moved."""
    location = point_from(lat=lat, lon=lon)
    return bool(
        Unit.objects.filter(pk=unit.pk).exclude(position_at__gte=at).update(location=location, position_at=at)
    )


def on_telemetry(*, organization: Organization, readings, now: dt.datetime | None = None) -> None:
    """The IoT core's telemetry listener (AppContract.telemetry_listeners): a reading with `lat` and `lon` from
    a unit's tracker moves the unit. One query when no unit has a tracker among the readings."""
    device_ids = {r.device.pk for r in readings if "lat" in r.values and "lon" in r.values}
    if not device_ids:
        return
    units = {
        u.device_id: u
        for u in Unit.objects.filter(organization=organization, device_id__in=among(device_ids))
    }
    latest: dict[int, object] = {}
    for r in readings:
        if (
            r.device.pk in units
            and "lat" in r.values
            and "lon" in r.values
            and (r.device.pk not in latest or r.time > latest[r.device.pk].time)
        ):
            latest[r.device.pk] = r
    for device_id, r in sorted(latest.items()):
        try:
            unit_move(unit=units[device_id], lat=r.values["lat"], lon=r.values["lon"], at=r.time)
        except InvalidInput:
            continue  # a position off the map: the reading stays stored, the unit does not jump
