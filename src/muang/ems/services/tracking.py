"""Positions from trackers over Traccar's OsmAnd protocol (wristbands and the units' trackers): identified by
their registered id in the organisation, checked, then stored through the IoT core's one ingest path, whose
telemetry listeners raise the alerts (services.wristbands) and move the units (services.units)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput, NotFound
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.ems import clock
from muang.ems.osmand import Position


def _check_place(organization: Organization, lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise InvalidInput.for_field(
            "lat", _("The position %(lat)s, %(lon)s is impossible.") % {"lat": lat, "lon": lon}
        )
    boundary = organization.boundary
    if boundary is not None and not boundary.prepared.covers(Point(lon, lat, srid=SRID)):
        raise InvalidInput.for_field(
            "lat",
            _("The position %(lat)s, %(lon)s is outside %(organization)s's area.")
            % {"lat": lat, "lon": lon, "organization": organization.name_th},
        )


def osmand_receive(*, slug: str, position: Position, now: dt.datetime | None = None):
    """Store one OsmAnd position. Refused, nothing written: an organisation or a tracker id we do not have
    (404), a position that is impossible or off the organisation's map, a time in the future, a value out of
    its key's range (422). A repeated message (same tracker and timestamp) is stored once: "duplicate"."""
    from muang.iot.models import Device
    from muang.iot.services.ingest import ingest

    now = now or clock.now()
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise NotFound(_("No organisation %(slug)s.") % {"slug": slug[:60]})
    device = (
        Device.objects.select_related("organization", "profile")
        .filter(organization=organization, serial=position.device_id[:64])
        .exclude(state=Device.State.RETIRED)
        .first()
    )
    if device is None:
        raise NotFound(
            _("No tracker with the id %(id)s is registered in this organisation.")
            % {"id": position.device_id[:64]}
        )
    time = position.time or now
    if time > now + dt.timedelta(seconds=settings.MUANG_IOT_MAX_FUTURE_SECONDS):
        raise InvalidInput.for_field(
            "timestamp", _("The timestamp is in the future; check the tracker's clock.")
        )
    if ("lat" in position.values) != ("lon" in position.values):
        raise InvalidInput.for_field("lat", _("Send lat and lon together."))
    if position.point is not None:
        _check_place(organization, *position.point)
    declared = device.profile.parsed.keys
    values = {k: v for k, v in position.values.items() if k in declared}
    attributes = dict(position.attributes)
    attributes.update({k: v for k, v in position.values.items() if k not in declared})
    payload = {
        "ts": time.timestamp(),
        # Traccar's replay rule: one position per tracker and time.
        "id": f"osmand:{time.timestamp():.3f}",
        "values": values,
    }
    if attributes:
        payload["attributes"] = attributes
    return ingest(organization=organization, payload=payload, channel="http", device=device, now=now)
