"""Reads: the AQI bands, the stations (staff and public), their averages from the telemetry (SQL over the
partitioned `iot_telemetry`), each station's current state (also in Smart Data Models names, for NGSI-LD), and
the charts (the iot app's buckets: hourly roll-ups and raw rows)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.environment.levels import Band, aqi
from muang.environment.models import AqiBand, Pollutant, Station
from muang.environment.permissions import EnvPerm
from muang.iot.models import Device, LatestValue
from muang.iot.selectors import BUCKETS, bucket_rows

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(hours=24)
MICROSECOND = dt.timedelta(microseconds=1)
# The charts: the last 24 hours in quarter-hours, the last 30 days in hours (a few hundred points each); the
# buckets are the iot charts' (`iot.selectors.BUCKETS`), on the same origin (Bangkok midnight).
RANGES = {"24h": (DAY, "15m"), "30d": (dt.timedelta(days=30), "1h")}
KEYS = {Station.Kind.AIR: ("pm25", "pm10"), Station.Kind.WATER: ("level",)}


def aqi_bands() -> dict[str, list[Band]]:
    """The Thai AQI bands per pollutant, in rank order (the rows the migration seeded from the notice)."""
    bands: dict[str, list[Band]] = defaultdict(list)
    for row in AqiBand.objects.order_by("pollutant", "rank"):
        bands[row.pollutant].append(
            Band(
                pollutant=row.pollutant,
                rank=row.rank,
                low=row.low,
                high=row.high,
                decimals=row.decimals,
                index_low=row.index_low,
                index_high=row.index_high,
                colour=row.colour,
                colour_hex=row.colour_hex,
                name_th=row.name_th,
                name_en=row.name_en,
                advice_th=row.advice_th,
                advice_en=row.advice_en,
                alerts=row.alerts,
            )
        )
    return dict(bands)


# --- stations ------------------------------------------------------------------------------------------------


def stations_of(*, actor: Actor, organization: Organization) -> QuerySet[Station]:
    require(actor, organization, EnvPerm.ENV_VIEW)
    return Station.objects.filter(organization=organization).select_related("device").order_by("kind", "name")


def devices_without_station(*, actor: Actor, organization: Organization) -> list[Device]:
    """The organisation's live devices that are not a station yet (the new-station form's choices)."""
    require(actor, organization, EnvPerm.ENV_MANAGE)
    return list(
        Device.objects.filter(organization=organization, environment_station__isnull=True)
        .exclude(state=Device.State.RETIRED)
        .order_by("name", "id")
    )


def get_station_for(*, actor: Actor, organization: Organization, station_id: int) -> Station:
    station = stations_of(actor=actor, organization=organization).filter(pk=station_id).first()
    if station is None:  # another organisation's station is simply not found
        raise NotFound(_("No station %(id)s.") % {"id": station_id})
    return station


def public_stations(organization: Organization) -> QuerySet[Station]:
    """What anyone may see: the organisation's public stations."""
    return (
        Station.objects.filter(organization=organization, is_public=True)
        .select_related("device")
        .order_by("kind", "name")
    )


def get_public_station(organization: Organization, station_id: int) -> Station:
    station = public_stations(organization).filter(pk=station_id).first()
    if station is None:  # a station that is not public is not found, like one that does not exist
        raise NotFound(_("No station %(id)s.") % {"id": station_id})
    return station


def public_organization(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise NotFound(_("No organisation %(slug)s.") % {"slug": slug})
    return organization


def organizations_with_public_stations() -> list[Organization]:
    ids = Station.objects.filter(is_public=True).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids, is_active=True).order_by("name_th"))


# --- averages and rates, in SQL ---------------------------------------------------------------------------------


def air_averages(*, organization_id: int, device_ids: Iterable[int], at: dt.datetime) -> dict[int, dict]:
    """Per device: PM2.5 and PM10 means over the hour and the 24 hours up to `at` (None without readings)."""
    ids = list(device_ids)
    out: dict[int, dict] = {
        i: {"pm25_1h": None, "pm25_24h": None, "pm10_1h": None, "pm10_24h": None} for i in ids
    }
    if not ids:
        return out
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT device_id, key, avg(value) FILTER (WHERE time > %s), avg(value) FROM iot_telemetry "
            "WHERE organization_id = %s AND device_id = ANY(%s) AND key IN ('pm25', 'pm10') "
            "AND time > %s AND time <= %s GROUP BY device_id, key",
            [at - HOUR, organization_id, ids, at - DAY, at],
        )
        for device_id, key, hour, day in cursor.fetchall():
            out[device_id][f"{key}_1h"] = hour
            out[device_id][f"{key}_24h"] = day
    return out


def water_levels(*, organization_id: int, device_ids: Iterable[int], at: dt.datetime) -> dict[int, dict]:
    """Per device: the level at `at` (its newest reading) and the rise rate over the last hour in m/h (the
    least-squares slope of the hour's readings: one noisy reading does not make a flood; None under 2 readings
    or 10 minutes of them)."""
    ids = list(device_ids)
    out: dict[int, dict] = {i: {"level": None, "rise_rate": None} for i in ids}
    if not ids:
        return out
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT device_id, (array_agg(value ORDER BY time DESC))[1], "
            "regr_slope(value, extract(epoch FROM time)) * 3600, "
            "extract(epoch FROM max(time) - min(time)) FROM iot_telemetry "
            "WHERE organization_id = %s AND device_id = ANY(%s) AND key = 'level' AND time > %s AND time <= %s "
            "GROUP BY device_id",
            [organization_id, ids, at - HOUR, at],
        )
        for device_id, level, slope, span in cursor.fetchall():
            out[device_id] = {"level": level, "rise_rate": slope if span and span >= 600 else None}
    return out


# --- the current state ------------------------------------------------------------------------------------------


def _latest(stations: list[Station]) -> dict[int, dict[str, tuple[float, dt.datetime]]]:
    out: dict[int, dict] = defaultdict(dict)
    if not stations:
        return out
    rows = LatestValue.objects.filter(
        organization_id=stations[0].organization_id,
        device_id__in=[s.device_id for s in stations],
        key__in=["pm25", "pm10", "level"],
    ).values_list("device_id", "key", "value", "time")
    for device_id, key, value, time in rows:
        out[device_id][key] = (value, time)
    return out


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def station_states(stations: Iterable[Station], *, bands: dict[str, list[Band]] | None = None) -> list[dict]:
    """Each station's current state for the map and the API: the level kept by the alert step (with its
    hysteresis), the newest readings (the latest-values table) and, for air, the 24-hour AQI of the notice.

    Four queries whatever the number of stations (bands, latest values, the 24-hour means, nothing per station).
    """
    stations = list(stations)
    bands = aqi_bands() if bands is None else bands
    latest = _latest(stations)
    language = translation.get_language() or "th"
    air = [s for s in stations if s.kind == Station.Kind.AIR]
    means: dict[int, dict] = {}
    if air:
        # One query, each station's 24 hours ending at its own newest reading.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.device_id, t.key, avg(t.value) FILTER (WHERE t.time > s.observed_at - interval '1 hour'), "
                "avg(t.value) FROM iot_telemetry t JOIN environment_station s ON s.device_id = t.device_id "
                "WHERE t.organization_id = %s AND s.organization_id = %s AND s.id = ANY(%s) "
                "AND t.key IN ('pm25', 'pm10') AND t.time > s.observed_at - interval '24 hours' "
                "AND t.time <= s.observed_at GROUP BY t.device_id, t.key",
                [air[0].organization_id, air[0].organization_id, [s.pk for s in air]],
            )
            for device_id, key, hour, day in cursor.fetchall():
                means.setdefault(device_id, {})[f"{key}_1h"] = hour
                means.setdefault(device_id, {})[f"{key}_24h"] = day
    out = []
    for s in stations:
        loc = s.device.location
        state = {
            "id": s.pk,
            "kind": s.kind,
            "name": s.name_en if language.startswith("en") and s.name_en else s.name,
            "name_th": s.name,
            "lat": loc.y if loc else None,
            "lon": loc.x if loc else None,
            "is_public": s.is_public,
            "observed_at": s.observed_at,
            "level": s.level,
            "alert": False,
        }
        values = latest.get(s.device_id, {})
        if s.kind == Station.Kind.AIR:
            pm25 = bands.get(Pollutant.PM25, [])
            band = pm25[min(s.level, len(pm25) - 1)] if pm25 else None
            m = means.get(s.device_id, {})
            index = aqi({"pm25": m.get("pm25_24h"), "pm10": m.get("pm10_24h")}, bands)
            state.update(
                pm25=_r(values.get("pm25", (None,))[0]),
                pm10=_r(values.get("pm10", (None,))[0]),
                pm25_1h=_r(m.get("pm25_1h")),
                pm25_24h=_r(m.get("pm25_24h")),
                pm10_1h=_r(m.get("pm10_1h")),
                pm10_24h=_r(m.get("pm10_24h")),
                aqi=index[0] if index else None,
                colour=band.colour if band and s.observed_at else "none",
                colour_hex=band.colour_hex if band and s.observed_at else "#9e9e9e",
                level_name=band.name(language) if band and s.observed_at else "",
                advice=band.advice(language) if band and s.observed_at else "",
                alert=bool(band and band.alerts and s.observed_at),
            )
        else:
            status = Station.WaterStatus(s.level)
            state.update(
                water_level=_r(values.get("level", (None,))[0], 2),
                rise_rate=_r(s.rise_rate, 2),
                bank_level=s.bank_level,
                alert_level=s.alert_level,
                danger_level=s.danger_level,
                rise_alert=s.rise_alert,
                status=status.name.lower(),
                colour={0: "green", 1: "orange", 2: "red"}[status] if s.observed_at else "none",
                colour_hex={0: "#00b050", 1: "#ff7b00", 2: "#e60000"}[status] if s.observed_at else "#9e9e9e",
                level_name=str(status.label) if s.observed_at else "",
                alert=bool(s.observed_at and status != Station.WaterStatus.NORMAL),
            )
        out.append(state)
    return out


# Smart Data Models: AirQualityObserved.airQualityLevel and FloodMonitoring.floodLevelStatus values.
SDM_AIR_LEVEL = {0: "veryGood", 1: "good", 2: "moderate", 3: "unhealthyForSensitiveGroups", 4: "unhealthy"}
SDM_FLOOD_STATUS = {0: "normal", 1: "warning", 2: "critical"}


def environment_entities(*, organization: Organization, public_only: bool = True) -> list[dict]:
    """Each station's current state with Smart Data Models attribute names, for the NGSI-LD entity providers:
    `AirQualityObserved` (pm25, pm10, airQualityIndex, airQualityLevel, dateObserved) and `FloodMonitoring`
    (currentLevel, referenceLevel, alertLevel, dangerLevel, floodLevelStatus, dateObserved). Plain values in
    keyValues form; `location` as GeoJSON."""
    stations = (
        public_stations(organization) if public_only else Station.objects.filter(organization=organization)
    )
    with translation.override("en"):
        states = station_states(stations.select_related("device"))
    out = []
    for s in states:
        common = {
            "id": f"urn:ngsi-ld:{'AirQualityObserved' if s['kind'] == 'air' else 'FloodMonitoring'}:"
            f"{organization.slug}:{s['id']}",
            "name": s["name_th"],
            "dateObserved": s["observed_at"].isoformat() if s["observed_at"] else None,
            "location": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}
            if s["lat"] is not None
            else None,
        }
        if s["kind"] == Station.Kind.AIR:
            out.append(
                {
                    **common,
                    "type": "AirQualityObserved",
                    "pm25": s["pm25"],
                    "pm10": s["pm10"],
                    "airQualityIndex": s["aqi"],
                    "airQualityLevel": SDM_AIR_LEVEL.get(s["level"]) if s["observed_at"] else None,
                }
            )
        else:
            out.append(
                {
                    **common,
                    "type": "FloodMonitoring",
                    "currentLevel": s["water_level"],
                    "referenceLevel": s["bank_level"],
                    "alertLevel": s["alert_level"],
                    "dangerLevel": s["danger_level"],
                    "floodLevelStatus": SDM_FLOOD_STATUS[s["level"]] if s["observed_at"] else None,
                }
            )
    return out


# --- charts -----------------------------------------------------------------------------------------------------


def station_history(*, station: Station, range_code: str, now: dt.datetime | None = None) -> dict:
    """Compact columns for uPlot: {"t": [epoch seconds], "<key>": [mean per bucket or null], ...}, oldest first;
    buckets with no reading are absent (uPlot draws a gap where time jumps). The caller has checked access.

    The buckets come from the iot app's chart computation (`iot.selectors.bucket_rows`, the staff device chart's
    too): the 30 days' hourly means from the hourly roll-ups below the worker's watermark and from the raw rows
    for the rest (the hours not rolled up yet, an hour a late reading made dirty), the 24 hours' quarter-hours
    from the raw rows. The period is (end - span, end]: the reading stamped `end` is in, the one stamped
    `end - span` is not. Times are whole microseconds, so that is [end - span + 1 µs, end + 1 µs) in the shared
    computation's half-open terms: the same rows, the same means."""
    if range_code not in RANGES:
        raise InvalidInput.for_field("range", _("range is one of: %(r)s.") % {"r": ", ".join(RANGES)})
    span, bucket = RANGES[range_code]
    end = now or timezone.now()
    keys = KEYS[Station.Kind(station.kind)]
    means: dict[str, dict[int, float]] = {}
    for key in keys:
        rows = bucket_rows(
            organization_id=station.organization_id,
            device_id=station.device_id,
            key=key,
            start=end - span + MICROSECOND,
            end=end + MICROSECOND,
            bucket=bucket,
            epoch=True,
        )
        means[key] = {b: avg for b, avg, _lo, _hi, _n in rows}
    times = sorted({b for column in means.values() for b in column})
    columns = {k: [_r(means[k].get(b), 2) for b in times] for k in keys}
    return {
        "range": range_code,
        "bucket": int(BUCKETS[bucket].total_seconds()),
        "start": int((end - span).timestamp()),
        "end": int(end.timestamp()),
        "t": times,
        **columns,
    }


def organization_banner(states: list[dict]) -> list[dict]:
    """The stations in alert now (the public page's banner)."""
    return [s for s in states if s["alert"]]
