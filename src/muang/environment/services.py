"""Writes: stations (staff), their state from each batch of readings (the iot telemetry listener), the LINE
alerts to their followers, and following / unfollowing.

The alert step, exactly once: the station's row is locked (`SELECT … FOR UPDATE`), its kept level compared with
the new one and written in the same transaction as the outbox rows, so two ingest processes handling readings of
the same station one after the other send one alert, and a reading older than the one already evaluated changes
nothing. Hysteresis (muang.environment.levels): a band is entered at its lower bound and left only `hysteresis`
under it, so PM2.5 hovering at 37.5 sends one alert and, when it falls back, one all-clear.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.bulk import among
from muang.core.errors import InvalidInput
from muang.core.models import Citizen, Notification, Organization
from muang.core.outbox import notification_enqueue
from muang.core.services import _full_clean, update_audited
from muang.core.templatetags.thai import format_thai_date
from muang.environment import selectors
from muang.environment.levels import Band, GaugeLevels, band_with_hysteresis, water_status_with_hysteresis
from muang.environment.models import Follow, Pollutant, Station, StationAlert
from muang.environment.permissions import EnvPerm
from muang.iot.models import Device

logger = logging.getLogger("muang.environment")

EDITABLE = {
    "name",
    "name_en",
    "is_public",
    "bank_level",
    "alert_level",
    "danger_level",
    "rise_alert",
    "hysteresis",
}
MAX_RADIUS_M = 50_000


# --- stations (staff) ----------------------------------------------------------------------------------------


@transaction.atomic
def station_create(
    *,
    actor: Actor,
    organization: Organization,
    device_id: int,
    kind: str,
    name: str,
    name_en: str = "",
    is_public: bool = True,
    bank_level: float | None = None,
    alert_level: float | None = None,
    danger_level: float | None = None,
    rise_alert: float | None = None,
    hysteresis: float | None = None,
) -> Station:
    require(actor, organization, EnvPerm.ENV_MANAGE)
    if kind not in Station.Kind.values:
        raise InvalidInput.for_field("kind", _("kind is air or water."))
    device = Device.objects.filter(organization=organization, pk=device_id).select_related("profile").first()
    if device is None:  # another organisation's device is simply not there
        raise InvalidInput.for_field("device_id", _("No such device in this organisation."))
    if Station.objects.filter(device=device).exists():
        raise InvalidInput.for_field("device_id", _("This device is a station already."))
    if hysteresis is None:
        hysteresis = (
            settings.MUANG_ENV_AIR_HYSTERESIS
            if kind == Station.Kind.AIR
            else settings.MUANG_ENV_WATER_HYSTERESIS
        )
    station = Station(
        organization=organization,
        device=device,
        kind=kind,
        name=name.strip(),
        name_en=name_en.strip(),
        is_public=is_public,
        bank_level=bank_level,
        alert_level=alert_level,
        danger_level=danger_level,
        rise_alert=rise_alert,
        hysteresis=hysteresis,
    )
    _full_clean(station, validate_constraints=False)
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError as e:  # the unique name, or the device is a station already: race-free
        if Station.objects.filter(device=device).exists():
            raise InvalidInput.for_field("device_id", _("This device is a station already.")) from e
        raise InvalidInput.for_field("name", _("There is already a station with this name.")) from e
    audit.record_create(actor=actor, organization=organization, instance=station)
    return station


@transaction.atomic
def station_update(*, actor: Actor, station: Station, data: dict) -> Station:
    require(actor, station.organization, EnvPerm.ENV_MANAGE)
    try:
        with transaction.atomic():
            return update_audited(
                actor=actor, organization=station.organization, instance=station, data=data, allowed=EDITABLE
            )
    except IntegrityError as e:
        raise InvalidInput.for_field("name", _("There is already a station with this name.")) from e


# --- the state from the readings (iot's telemetry listener) ---------------------------------------------------


def stations_telemetry_received(*, organization: Organization, readings, now: dt.datetime) -> int:
    """AppContract.telemetry_listeners: the stations whose devices reported in this batch, evaluated at their
    newest reading. Returns how many alerts (and all-clears) were sent."""
    newest: dict[int, dt.datetime] = {}
    for r in readings:
        if {"pm25", "level"} & r.values.keys():
            seen = newest.get(r.device.pk)
            newest[r.device.pk] = r.time if seen is None or r.time > seen else seen
    if not newest:
        return 0
    stations = list(
        Station.objects.filter(organization=organization, device_id__in=among(newest))
        .order_by("pk")
        .values_list("pk", "device_id", "kind")
    )
    if not stations:
        return 0
    bands = selectors.aqi_bands()
    sent = 0
    # The means per station, in two queries for the whole batch (each at its own newest reading).
    by_time: dict[tuple[str, dt.datetime], list[int]] = {}
    for _pk, device_id, kind in stations:
        by_time.setdefault((kind, newest[device_id]), []).append(device_id)
    figures: dict[int, dict] = {}
    for (kind, at), device_ids in by_time.items():
        reader = selectors.air_averages if kind == Station.Kind.AIR else selectors.water_levels
        figures.update(reader(organization_id=organization.pk, device_ids=device_ids, at=at))
    for pk, device_id, _kind in stations:
        sent += station_evaluate(
            organization=organization,
            station_id=pk,
            at=newest[device_id],
            figures=figures[device_id],
            bands=bands,
        )
    return sent


def station_evaluate(
    *,
    organization: Organization,
    station_id: int,
    at: dt.datetime,
    figures: dict,
    bands: dict[str, list[Band]],
) -> int:
    """One station's new state at `at` (its figures: the means, or the level and rise rate), under its row's lock;
    an alert or an all-clear to its followers when its level changes so. Returns 1 when one was sent."""
    with transaction.atomic():
        station = (
            Station.objects.select_for_update()
            .select_related("device")
            .get(organization=organization, pk=station_id)
        )
        if station.observed_at is not None and at <= station.observed_at:
            return 0  # an older (or the same) reading than the one already evaluated: nothing new
        old = station.level
        kind = None
        if station.kind == Station.Kind.AIR:
            value = figures.get("pm25_1h")
            pm25 = bands.get(Pollutant.PM25, [])
            if value is None or not pm25:
                return 0
            base = 0 if station.observed_at is None else old  # a new station starts from the cleanest band
            band = band_with_hysteresis(value, base, pm25, station.hysteresis)
            new = band.rank
            if new > base and band.alerts:
                kind = StationAlert.Kind.ALERT
            elif new < base and pm25[min(base, len(pm25) - 1)].alerts and not band.alerts:
                kind = StationAlert.Kind.ALL_CLEAR
            rise_rate = None
        else:
            value, rise_rate = figures.get("level"), figures.get("rise_rate")
            if value is None or station.alert_level is None:
                return 0
            gauge = GaugeLevels(
                station.alert_level, station.danger_level, station.rise_alert, station.hysteresis
            )
            new = water_status_with_hysteresis(value, rise_rate, old, gauge)
            if new > old:
                kind = StationAlert.Kind.ALERT
            elif new == Station.WaterStatus.NORMAL and old != new:
                kind = StationAlert.Kind.ALL_CLEAR
        changed = new != old or station.observed_at is None
        Station.objects.filter(organization=organization, pk=station.pk).update(
            level=new,
            level_since=at if changed else station.level_since,
            value=value,
            rise_rate=rise_rate,
            observed_at=at,
        )
        if kind is None:
            return 0
        station.level, station.value, station.rise_rate, station.observed_at = new, value, rise_rate, at
        recipients = _notify_followers(station=station, kind=kind, bands=bands)
        StationAlert.objects.create(
            organization=organization,
            station=station,
            kind=kind,
            level=new,
            value=value,
            at=at,
            recipients=recipients,
        )
        return 1


def followers_of(station: Station) -> list[tuple[str, str]]:
    """(LINE user id, language) of everyone following the station: itself, an area (a station and a radius) it
    lies in, or the whole organisation; each person once."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (f.line_user_id) f.line_user_id, coalesce(c.preferred_language, 'th') "
            "FROM environment_follow f "
            "LEFT JOIN core_citizen c ON c.id = f.citizen_id "
            "LEFT JOIN environment_station cs ON cs.id = f.station_id AND cs.organization_id = f.organization_id "
            "LEFT JOIN iot_device d ON d.id = cs.device_id AND d.organization_id = f.organization_id "
            "WHERE f.organization_id = %s AND (f.station_id IS NULL OR f.station_id = %s OR (f.radius_m IS NOT NULL "
            "AND ST_DWithin(d.location::geography, (SELECT location FROM iot_device WHERE id = %s)::geography, "
            "f.radius_m))) ORDER BY f.line_user_id",
            [station.organization_id, station.pk, station.device_id],
        )
        return cursor.fetchall()


def alert_text(*, station: Station, kind: str, bands: dict[str, list[Band]], language: str) -> str:
    """What a follower reads, in their language."""
    with translation.override(language):
        when = format_thai_date(station.observed_at, "datetime", language=language)
        name = station.name_en if language.startswith("en") and station.name_en else station.name
        if station.kind == Station.Kind.AIR:
            band = bands[Pollutant.PM25][station.level]
            figures = _("PM2.5 (1-hour mean) %(v)s µg/m³: %(level)s") % {
                "v": f"{station.value:.1f}",
                "level": band.name(language),
            }
            if kind == StationAlert.Kind.ALERT:
                lines = [
                    _("Air quality alert, %(station)s") % {"station": name},
                    figures,
                    band.advice(language),
                ]
            else:
                lines = [_("All clear, %(station)s: the air is better again.") % {"station": name}, figures]
        else:
            status = Station.WaterStatus(station.level)
            figures = _("Water level %(v)s m (alert %(a)s m, danger %(d)s m)") % {
                "v": f"{station.value:.2f}",
                "a": f"{station.alert_level:.2f}",
                "d": f"{station.danger_level:.2f}",
            }
            if station.rise_rate is not None:
                figures += " " + _("rising %(r)s m/h") % {"r": f"{station.rise_rate:+.2f}"}
            if kind == StationAlert.Kind.ALERT:
                lines = [
                    _("Water level alert, %(station)s: %(status)s")
                    % {"station": name, "status": status.label},
                    figures,
                ]
            else:
                lines = [
                    _("All clear, %(station)s: the water is back to normal.") % {"station": name},
                    figures,
                ]
        lines.append(when)
        lines.append(_('Send "stop alerts" to stop these messages.'))
        return "\n".join(line for line in lines if line)


def _notify_followers(*, station: Station, kind: str, bands: dict[str, list[Band]]) -> int:
    followers = followers_of(station)
    for line_user_id, language in followers:
        notification_enqueue(
            organization=station.organization,
            channel=Notification.Channel.LINE_PUSH,
            recipient=line_user_id,
            messages=[
                {
                    "type": "text",
                    "text": alert_text(station=station, kind=kind, bands=bands, language=language),
                }
            ],
            subject=f"env:{station.pk}:{kind}:{station.observed_at.isoformat()}",
        )
    return len(followers)


# --- following (from LINE) ------------------------------------------------------------------------------------


def follow_start(
    *,
    organization: Organization,
    line_user_id: str,
    citizen: Citizen | None = None,
    station: Station | None = None,
    radius_m: int | None = None,
) -> tuple[Follow, bool]:
    """Follow a public station (with a radius: the area around it), or the whole organisation (no station).
    Following again changes the radius; returns (follow, created)."""
    if station is not None and (station.organization_id != organization.pk or not station.is_public):
        raise InvalidInput.for_field("station", _("No such station."))
    if radius_m is not None and (station is None or not 0 < radius_m <= MAX_RADIUS_M):
        raise InvalidInput.for_field("radius_m", _("A radius is up to 50 km around a station."))
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            organization=organization,
            line_user_id=line_user_id,
            station=station,
            defaults={"citizen": citizen, "radius_m": radius_m},
        )
        if not created and follow.radius_m != radius_m:
            Follow.objects.filter(organization=organization, pk=follow.pk).update(radius_m=radius_m)
            follow.radius_m = radius_m
    return follow, created


def follow_stop(*, organization: Organization, line_user_id: str, station: Station | None = None) -> int:
    """Stop following one station, or (no station) everything of the organisation; returns how many stopped."""
    follows = Follow.objects.filter(organization=organization, line_user_id=line_user_id)
    if station is not None:
        follows = follows.filter(station=station)
    deleted, _by_model = follows.delete()
    return deleted
