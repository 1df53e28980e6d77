"""Wristbands: the organisation's wristband profile in the IoT core, a band given to a person with their rules,
and the telemetry listener that turns a band's readings into alerts (services.alerts).

A band speaks Traccar's vocabulary: `alarm=sos|fallDown|lowBattery|geofenceExit|removing` over OsmAnd (osmand.py)
arrives here as the telemetry keys `alarm_sos`, `alarm_fall`, ... set to 1; positions as `lat`/`lon`."""

from __future__ import annotations

import datetime as dt
import math
import re

from django.contrib.gis.geos import Point, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.bulk import among
from muang.core.errors import Conflict, InvalidInput
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


RULE_FIELDS = (
    "heart_rate_min",
    "heart_rate_max",
    "geofence_radius_m",
    "geofence",
    "still_hours",
    "battery_low",
    "medical_summary",
    "family_line",
)


def _clean_rules(
    *,
    person,
    heart_rate_min: int | None = None,
    heart_rate_max: int | None = None,
    geofence_radius_m: int | None = None,
    geofence: Polygon | None = None,
    still_hours: int | None = None,
    battery_low: int = 20,
    medical_summary: str = "",
    family_line: list | None = None,
) -> dict:
    """The wearer's rules, checked: each refusal names its field."""
    for field, value, low, high in (
        ("heart_rate_min", heart_rate_min, 20, 250),
        ("heart_rate_max", heart_rate_max, 20, 250),
    ):
        if value is not None and not low <= value <= high:
            raise InvalidInput.for_field(
                field,
                _("A heart rate is between %(low)s and %(high)s beats a minute.")
                % {"low": low, "high": high},
            )
    if heart_rate_min is not None and heart_rate_max is not None and heart_rate_min >= heart_rate_max:
        raise InvalidInput.for_field("heart_rate_max", _("The highest heart rate is above the lowest."))
    if geofence_radius_m is not None and not 20 <= geofence_radius_m <= 50_000:
        raise InvalidInput.for_field("geofence_radius_m", _("A geofence radius is between 20 m and 50 km."))
    if geofence_radius_m is not None and person.location is None and geofence is None:
        raise InvalidInput.for_field(
            "geofence_radius_m", _("A geofence radius needs the person's home on the map.")
        )
    if geofence is not None and (geofence.srid not in (None, SRID) or not geofence.valid):
        raise InvalidInput.for_field("geofence", _("Not a valid polygon."))
    if still_hours is not None and not 1 <= still_hours <= 24:
        raise InvalidInput.for_field("still_hours", _("No movement is counted in 1 to 24 hours."))
    if battery_low is None or not 1 <= battery_low <= 99:
        raise InvalidInput.for_field("battery_low", _("The battery threshold is between 1 and 99 %."))
    return {
        "heart_rate_min": heart_rate_min,
        "heart_rate_max": heart_rate_max,
        "geofence_radius_m": geofence_radius_m,
        "geofence": geofence,
        "still_hours": still_hours,
        "battery_low": battery_low,
        "medical_summary": (medical_summary or "").strip(),
        "family_line": _clean_family(family_line),
    }


def _clean_serial(serial: str) -> str:
    from muang.iot.models import SERIAL_RE

    serial = (serial or "").strip()
    if not serial:
        raise InvalidInput.for_field("serial", _("Type the band's device id (IMEI or tracker id)."))
    if not re.fullmatch(SERIAL_RE, serial):
        raise InvalidInput.for_field(
            "serial",
            _("A device id is up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit."),
        )
    return serial


def wristband_create(*, actor: Actor, organization: Organization, person, serial: str, **rules) -> Wristband:
    """A band (a new device of the IoT core with the wristband profile, `serial` its tracker id) given to
    `person` with their rules. A person wears one band at a time (a lost band is replaced: wristband_replace);
    a device id already registered is refused, naming the field."""
    from muang.iot.models import Device
    from muang.iot.services.devices import device_create

    require(actor, organization, EmsPerm.WRISTBANDS)
    if person is None or person.organization_id != organization.pk:
        raise InvalidInput.for_field("person", _("No such person in the care register."))
    if person.died_on is not None or person.anonymized_at is not None:
        raise InvalidInput.for_field("person", _("This person is no longer in the care register."))
    serial = _clean_serial(serial)
    clean = _clean_rules(person=person, **rules)
    with transaction.atomic():
        type(person).objects.select_for_update().get(pk=person.pk)  # one registration at a time per person
        if Wristband.objects.filter(person=person, active=True).exists():
            raise InvalidInput.for_field(
                "person", _("This person already wears a band: replace it from the band's page.")
            )
        if Device.objects.filter(organization=organization, serial=serial).exists():
            raise InvalidInput.for_field("serial", _("A band or device with this id is already registered."))
        device, _credential = device_create(
            actor=SYSTEM,
            organization=organization,
            profile=wristband_profile_for(organization),
            name=f"I-Care {serial}",
            serial=serial,
        )
        band = Wristband.objects.create(organization=organization, device=device, person=person, **clean)
        audit.record_create(actor=actor, organization=organization, instance=band)
    return band


def _live_band(band: Wristband) -> Wristband:
    row = Wristband.objects.select_for_update().select_related("person", "device").get(pk=band.pk)
    if not row.active:
        raise Conflict(_("This band is no longer in use."))
    return row


def wristband_update_rules(*, actor: Actor, band: Wristband, **rules) -> Wristband:
    """Change the wearer's rules (every rule is given: what is not set is cleared). Audited."""
    from muang.core.services import update_audited

    require(actor, band.organization, EmsPerm.WRISTBANDS)
    with transaction.atomic():
        row = _live_band(band)
        clean = _clean_rules(person=row.person, **rules)
        return update_audited(
            actor=actor,
            organization=band.organization,
            instance=row,
            data=clean,
            allowed=set(RULE_FIELDS),
        )


def wristband_unregister(*, actor: Actor, band: Wristband) -> Wristband:
    """The band is taken off the person: it raises no more alerts, its device is retired in the IoT core (its
    credential stops working); its alerts stay in the person's history. Open alerts of the band stay open:
    somebody still has to answer them."""
    from muang.core.services import update_audited
    from muang.iot.services.devices import device_retire

    require(actor, band.organization, EmsPerm.WRISTBANDS)
    with transaction.atomic():
        row = _live_band(band)
        row = update_audited(
            actor=actor,
            organization=band.organization,
            instance=row,
            data={"active": False},
            allowed={"active"},
        )
        device_retire(actor=SYSTEM, device=row.device)
    return row


def wristband_replace(*, actor: Actor, band: Wristband, serial: str) -> Wristband:
    """A lost or broken band replaced by a new one (`serial`) for the same person, with the same rules."""
    require(actor, band.organization, EmsPerm.WRISTBANDS)
    with transaction.atomic():
        row = _live_band(band)
        serial = _clean_serial(serial)
        rules = {f: getattr(row, f) for f in RULE_FIELDS}
        wristband_unregister(actor=actor, band=row)
        new = wristband_create(
            actor=actor, organization=band.organization, person=row.person, serial=serial, **rules
        )
        if row.photo:
            Wristband.objects.filter(pk=new.pk).update(photo=row.photo.name)
    return new


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
