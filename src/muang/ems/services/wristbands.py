"""Wristbands: the organisation's wristband profile in the IoT core, a band given to a person with their rules,
and the telemetry listener that turns a band's readings into alerts (services.alerts).

A band speaks Traccar's vocabulary: `alarm=sos|fallDown|lowBattery|geofenceExit|removing` over OsmAnd (osmand.py)
arrives here as the telemetry keys `alarm_sos`, `alarm_fall`, ... set to 1; positions as `lat`/`lon`."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.gis.geos import Point, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.bulk import among
from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.ems.models import AlertKind, Wristband
from muang.ems.permissions import EmsPerm

WRISTBAND_PROFILE = "สายรัดข้อมือ I-Care"  # data: the profile's name in the organisation's device register
TRACKER_PROFILE = "เครื่องติดตามรถกู้ชีพ"
MOVED_METRES = 25.0  # a move smaller than a GPS fix's wander is not movement
POSITION_KEYS = [
    {"key": "lat", "unit": "°", "type": "float", "min": -90, "max": 90},
    {"key": "lon", "unit": "°", "type": "float", "min": -180, "max": 180},
    {"key": "speed", "unit": "km/h", "type": "float", "min": 0, "max": 400},
    {"key": "bearing", "unit": "°", "type": "float", "min": 0, "max": 360},
    {"key": "altitude", "unit": "m", "type": "float", "min": -500, "max": 9000},
    {"key": "accuracy", "unit": "m", "type": "float", "min": 0, "max": 100000},
    {"key": "batt", "unit": "%", "type": "float", "min": 0, "max": 100},
]
# Traccar's alarm names -> the telemetry key set to 1 (ALARM_KEYS[key] -> the alert it raises).
TRACCAR_ALARMS = {
    "sos": "alarm_sos",
    "fallDown": "alarm_fall",
    "lowBattery": "alarm_low_battery",
    "geofenceExit": "alarm_geofence_exit",
    "removing": "alarm_removing",
}
ALARM_KEYS = {
    "alarm_sos": AlertKind.SOS,
    "alarm_fall": AlertKind.FALL,
    "alarm_low_battery": AlertKind.LOW_BATTERY,
    "alarm_geofence_exit": AlertKind.GEOFENCE,
    "alarm_removing": AlertKind.REMOVED,
}
WRISTBAND_KEYS = [
    *POSITION_KEYS,
    {"key": "heart_rate", "unit": "bpm", "type": "int", "min": 0, "max": 300},
    *({"key": key, "unit": "", "type": "bool"} for key in ALARM_KEYS),
]


def _profile(organization: Organization, name: str, keys: list[dict], interval: int):
    from muang.iot.models import DeviceProfile
    from muang.iot.services.devices import device_profile_create

    existing = DeviceProfile.objects.filter(organization=organization, name=name).first()
    if existing is not None:
        return existing
    return device_profile_create(
        actor=SYSTEM,
        organization=organization,
        name=name,
        keys=keys,
        decoder={"kind": "json", "keys": {}},
        report_interval=interval,
    )


def wristband_profile_for(organization: Organization):
    """The organisation's wristband profile (position, battery, heart rate, Traccar's alarms), made once."""
    return _profile(organization, WRISTBAND_PROFILE, WRISTBAND_KEYS, 60)


def tracker_profile_for(organization: Organization):
    """The organisation's profile of its units' trackers (position, speed, battery), made once."""
    return _profile(organization, TRACKER_PROFILE, POSITION_KEYS, 10)


def _clean_family(family) -> list[dict]:
    out = []
    for i, entry in enumerate(family or []):
        if not isinstance(entry, dict) or not str(entry.get("line_user_id", "")).strip():
            raise InvalidInput.for_field(f"family_line[{i}]", _("Each family member needs a LINE account."))
        out.append(
            {
                "name": str(entry.get("name", "")).strip()[:100],
                "relation": str(entry.get("relation", "")).strip()[:50],
                "line_user_id": str(entry["line_user_id"]).strip()[:64],
            }
        )
    return out


def wristband_create(
    *,
    actor: Actor,
    organization: Organization,
    person,
    serial: str,
    heart_rate_min: int | None = None,
    heart_rate_max: int | None = None,
    geofence_radius_m: int | None = None,
    geofence: Polygon | None = None,
    still_hours: int | None = None,
    battery_low: int = 20,
    medical_summary: str = "",
    family_line: list | None = None,
) -> Wristband:
    """A band (a new device of the IoT core with the wristband profile, `serial` its tracker id) given to
    `person` with their rules."""
    from muang.iot.services.devices import device_create

    require(actor, organization, EmsPerm.WRISTBANDS)
    if person.organization_id != organization.pk:
        raise InvalidInput.for_field("person", _("No such person in this organisation."))
    if heart_rate_min is not None and heart_rate_max is not None and heart_rate_min >= heart_rate_max:
        raise InvalidInput.for_field("heart_rate_max", _("The highest heart rate is above the lowest."))
    if geofence_radius_m is not None and person.location is None and geofence is None:
        raise InvalidInput.for_field(
            "geofence_radius_m", _("A geofence radius needs the person's home on the map.")
        )
    if geofence is not None and (geofence.srid not in (None, SRID) or not geofence.valid):
        raise InvalidInput.for_field("geofence", _("Not a valid polygon."))
    if not 1 <= battery_low <= 99:
        raise InvalidInput.for_field("battery_low", _("The battery threshold is between 1 and 99 %."))
    family = _clean_family(family_line)
    with transaction.atomic():
        device, _credential = device_create(
            actor=SYSTEM,
            organization=organization,
            profile=wristband_profile_for(organization),
            name=f"I-Care {serial}",
            serial=serial,
        )
        band = Wristband.objects.create(
            organization=organization,
            device=device,
            person=person,
            heart_rate_min=heart_rate_min,
            heart_rate_max=heart_rate_max,
            geofence_radius_m=geofence_radius_m,
            geofence=geofence,
            still_hours=still_hours,
            battery_low=battery_low,
            medical_summary=medical_summary.strip(),
            family_line=family,
        )
        audit.record_create(actor=actor, organization=organization, instance=band)
    return band


def metres_between(a: Point, b: Point) -> float:
    """Great-circle distance of two lon/lat points (haversine, metres)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def outside_geofence(band: Wristband, point: Point) -> bool:
    if band.geofence is not None:
        return not band.geofence.contains(point)
    if band.geofence_radius_m and band.person.location is not None:
        return metres_between(band.person.location, point) > band.geofence_radius_m
    return False


def alerts_of_reading(
    band: Wristband, values: dict[str, float], point: Point | None
) -> list[tuple[str, float]]:
    """The alerts one reading raises under the wearer's rules: (kind, the reading that raised it)."""
    found: dict[str, float | None] = {}
    for key, kind in ALARM_KEYS.items():
        if values.get(key):
            found[kind] = None
    hr = values.get("heart_rate") or 0  # 0: no skin contact (a removed band says so by its own alarm)
    low, high = band.heart_rate_min, band.heart_rate_max
    if hr > 0 and ((low is not None and hr < low) or (high is not None and hr > high)):
        found[AlertKind.HEART_RATE] = hr
    batt = values.get("batt")
    if batt is not None and batt < band.battery_low:
        found[AlertKind.LOW_BATTERY] = batt
    if point is not None and outside_geofence(band, point):
        found[AlertKind.GEOFENCE] = None
    return list(found.items())


def on_telemetry(*, organization: Organization, readings, now: dt.datetime | None = None) -> None:
    """The IoT core's telemetry listener: a wristband's readings (after they are stored) raise its alerts and
    keep where it last moved. One query when no band is among the readings."""
    from muang.ems.services.alerts import alert_raise

    device_ids = {r.device.pk for r in readings}
    bands = {
        b.device_id: b
        for b in Wristband.objects.filter(
            organization=organization, device_id__in=among(device_ids), active=True
        ).select_related("person", "organization")
    }
    if not bands:
        return
    for r in sorted(readings, key=lambda r: r.time):
        band = bands.get(r.device.pk)
        if band is None:
            continue
        point = None
        if "lat" in r.values and "lon" in r.values:
            point = Point(r.values["lon"], r.values["lat"], srid=SRID)
            moved = band.last_point is None or metres_between(band.last_point, point) > MOVED_METRES
            if moved and (band.last_moved_at is None or r.time > band.last_moved_at):
                band.last_point, band.last_moved_at = point, r.time
                Wristband.objects.filter(pk=band.pk).update(last_point=point, last_moved_at=r.time)
        for kind, value in alerts_of_reading(band, r.values, point):
            alert_raise(
                wristband=band, kind=kind, at=r.time, location=point or band.last_point, value=value, now=now
            )
