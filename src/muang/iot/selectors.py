"""Reads: profiles, devices, a device's latest values and its telemetry history in `date_bin` buckets."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.core.thai_dates import ICT
from muang.iot.models import Device, DeviceAttribute, DeviceProfile, IotSettings, LatestValue
from muang.iot.permissions import IotPerm
from muang.iot.services.rollup import HOUR, ceil_hour, floor_hour

# Chart buckets a caller may ask for, and the most buckets one answer holds.
BUCKETS = {
    "1m": dt.timedelta(minutes=1),
    "5m": dt.timedelta(minutes=5),
    "15m": dt.timedelta(minutes=15),
    "1h": dt.timedelta(hours=1),
    "6h": dt.timedelta(hours=6),
    "1d": dt.timedelta(days=1),
}
MAX_BUCKETS = 5000
ORIGIN = dt.datetime(2000, 1, 1, tzinfo=ICT)  # days bucket on Bangkok midnight


def profiles_of(*, actor: Actor, organization: Organization) -> QuerySet[DeviceProfile]:
    require(actor, organization, IotPerm.IOT_VIEW)
    return DeviceProfile.objects.filter(organization=organization).order_by("name")


def devices_of(
    *,
    actor: Actor,
    organization: Organization,
    state: str | None = None,
    profile_id: int | None = None,
    search: str = "",
) -> QuerySet[Device]:
    """The organisation's devices by name; `search` matches name, serial or DevEUI (contains, any case)."""
    require(actor, organization, IotPerm.IOT_VIEW)
    devices = (
        Device.objects.filter(organization=organization)
        .select_related("profile", "organization")
        .order_by("name", "id")
    )
    if state:
        devices = devices.filter(state=state)
    if profile_id is not None:
        devices = devices.filter(profile_id=profile_id)
    if search := search.strip():
        devices = devices.filter(
            Q(name__icontains=search) | Q(serial__icontains=search) | Q(dev_eui__icontains=search)
        )
    return devices


def device_state_counts(*, actor: Actor, organization: Organization) -> dict[str, int]:
    """How many devices are active, silent, retired (every state present, zero included)."""
    require(actor, organization, IotPerm.IOT_VIEW)
    counts = dict(
        Device.objects.filter(organization=organization)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in Device.State.values}


def attributes_of(*, actor: Actor, device: Device) -> QuerySet[DeviceAttribute]:
    require(actor, device.organization, IotPerm.IOT_VIEW)
    return DeviceAttribute.objects.filter(organization_id=device.organization_id, device=device).order_by(
        "key"
    )


def get_device_for(*, actor: Actor, organization: Organization, device_id: int) -> Device:
    device = devices_of(actor=actor, organization=organization).filter(pk=device_id).first()
    if device is None:  # another organisation's device is simply not found
        raise NotFound(_("No device %(id)s.") % {"id": device_id})
    return device


def latest_values(*, actor: Actor, device: Device) -> QuerySet[LatestValue]:
    require(actor, device.organization, IotPerm.IOT_VIEW)
    return LatestValue.objects.filter(organization_id=device.organization_id, device=device).order_by("key")


def telemetry_history(
    *,
    actor: Actor,
    device: Device,
    key: str,
    start: dt.datetime,
    end: dt.datetime,
    bucket: str = "1h",
) -> list[dict]:
    """Per bucket: avg, min, max and count of one key, oldest first; empty buckets are absent."""
    return [
        {"time": t, "avg": a, "min": lo, "max": hi, "count": n}
        for t, a, lo, hi, n in _buckets(actor, device, key, start, end, bucket, epoch=False)
    ]


def _buckets(
    actor: Actor, device: Device, key: str, start: dt.datetime, end: dt.datetime, bucket: str, *, epoch: bool
) -> list[tuple]:
    """(bucket start, avg, min, max, count) rows; with `epoch` the bucket start comes as whole epoch seconds
    from PostgreSQL (a chart's 720 buckets then cost no timestamp parsing and conversion in Python: a third of
    the endpoint's own time). The bounds travel as constants, so the planner prunes the monthly partitions and
    the primary key (organisation, device, key, time) INCLUDE (value) answers with an index-only scan.
    Buckets of whole hours (1h, 6h, 1d) read the hourly roll-ups where the worker made them (`_rolled_buckets`);
    shorter ones (a zoomed-in chart) read the raw rows."""
    require(actor, device.organization, IotPerm.IOT_VIEW)
    if bucket not in BUCKETS:
        raise InvalidInput.for_field("bucket", _("bucket is one of: %(b)s.") % {"b": ", ".join(BUCKETS)})
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise InvalidInput.for_field("start", _("Give start and end with their time zone."))
    if end <= start:
        raise InvalidInput.for_field("end", _("end must be after start."))
    if (end - start) / BUCKETS[bucket] > MAX_BUCKETS:
        raise InvalidInput.for_field(
            "bucket", _("Too many buckets: choose a wider bucket or a shorter period.")
        )
    if key not in device.profile.parsed.keys:
        raise InvalidInput.for_field("key", _("Unknown telemetry key %(key)s.") % {"key": key})
    retention = (
        IotSettings.objects.filter(organization_id=device.organization_id)
        .values_list("retention_days", flat=True)
        .first()
        or settings.MUANG_IOT_RETENTION_DAYS
    )
    start = max(start, timezone.now() - dt.timedelta(days=retention))  # what this organisation still keeps
    if end <= start:
        return []
    return bucket_rows(
        organization_id=device.organization_id,
        device_id=device.pk,
        key=key,
        start=start,
        end=end,
        bucket=bucket,
        epoch=epoch,
    )


def bucket_rows(
    *,
    organization_id: int,
    device_id: int,
    key: str,
    start: dt.datetime,
    end: dt.datetime,
    bucket: str,
    epoch: bool,
) -> list[tuple]:
    """The one computation behind every telemetry chart (this app's device chart, the environment app's public
    station chart): (bucket start, avg, min, max, count) of one key in [start, end), oldest first, empty buckets
    absent. No access check and no validation: the callers check who asks and what (`_buckets` for staff, a
    public station's page for citizens), with a bucket of `BUCKETS` and aware bounds."""
    head = "extract(epoch FROM date_bin(%s, time, %s))::int8" if epoch else "date_bin(%s, time, %s)"
    where = [organization_id, device_id, key]
    if BUCKETS[bucket] % HOUR == dt.timedelta(0):
        rows = _rolled_buckets(head, where, start, end, bucket)
        if rows is not None:
            return rows
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {head} AS bucket, avg(value), min(value), max(value), count(*) "  # noqa: S608 (no input)
            "FROM iot_telemetry WHERE organization_id = %s AND device_id = %s AND key = %s "
            "AND time >= %s AND time < %s GROUP BY 1 ORDER BY 1",
            [BUCKETS[bucket], ORIGIN, *where, start, end],
        )
        return cursor.fetchall()


_RAW_ROWS = (
    " UNION ALL SELECT time, 1, value, value, value FROM iot_telemetry WHERE organization_id = %s "
    "AND device_id = %s AND key = %s AND ({ranges})"
)


def _rolled_buckets(head: str, where: list, start: dt.datetime, end: dt.datetime, bucket: str) -> list | None:
    """Buckets of whole hours from the hourly roll-ups (`iot_telemetryhour`) for the hours below the watermark,
    and from the raw rows for the rest: the partial hour at the start, the hours after the watermark (the
    current one), and the hours marked dirty by a late reading that the worker has not recomputed yet. The same
    numbers as the raw query (avg as sum / count). None when no whole rolled-up hour lies in the range."""
    first = ceil_hour(start)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT done_until, ARRAY(SELECT hour FROM iot_telemetryhourdirty WHERE organization_id = %s "
            "AND device_id = %s AND key = %s AND hour >= %s AND hour < %s ORDER BY hour) "
            "FROM iot_telemetryrollup WHERE id = 1",
            [*where, first, end],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    rolled, dirty = row
    last = min(floor_hour(end), rolled)
    if last <= first:
        return None
    dirty = [h for h in dirty if h < last]
    raw = []  # the raw ranges, adjacent ones joined
    for lo, hi in [(start, first), *((h, h + HOUR) for h in dirty), (last, end)]:
        if hi <= lo:
            continue
        if raw and raw[-1][1] == lo:
            raw[-1] = (raw[-1][0], hi)
        else:
            raw.append((lo, hi))
    sql = (
        "SELECT hour AS time, n, total, lo, hi FROM iot_telemetryhour WHERE organization_id = %s "
        "AND device_id = %s AND key = %s AND hour >= %s AND hour < %s AND hour <> ALL(%s::timestamptz[])"
    )
    params = [*where, first, last, dirty]
    if raw:
        ranges = " OR ".join(["(time >= %s AND time < %s)"] * len(raw))
        sql += _RAW_ROWS.format(ranges=ranges)
        params += [*where, *(bound for pair in raw for bound in pair)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {head} AS bucket, sum(total) / sum(n), min(lo), max(hi), sum(n)::int8 "  # noqa: S608
            f"FROM ({sql}) AS p GROUP BY 1 ORDER BY 1",
            [BUCKETS[bucket], ORIGIN, *params],
        )
        return cursor.fetchall()


# A chart's period and its bucket: about 300-700 points, enough for a phone's width and light on 3G.
CHART_RANGES = {
    "24h": (dt.timedelta(hours=24), "5m"),
    "7d": (dt.timedelta(days=7), "15m"),
    "30d": (dt.timedelta(days=30), "1h"),
}


def telemetry_chart(
    *, actor: Actor, device: Device, key: str, period: str, now: dt.datetime | None = None
) -> dict:
    """The device page's chart of one key over the last 24 hours, 7 or 30 days, in uPlot's column form:
    {"key", "unit", "period", "bucket", "x": [epoch seconds], "avg": [...], "min": [...], "max": [...]}."""
    if period not in CHART_RANGES:
        raise InvalidInput.for_field("period", _("period is one of: %(p)s.") % {"p": ", ".join(CHART_RANGES)})
    span, bucket = CHART_RANGES[period]
    end = now or timezone.now()
    rows = _buckets(actor, device, key, end - span, end, bucket, epoch=True)
    return {
        "key": key,
        "unit": device.profile.parsed.keys[key].unit,
        "period": period,
        "bucket": bucket,
        "x": [r[0] for r in rows],
        "avg": [round(r[1], 3) for r in rows],
        "min": [r[2] for r in rows],
        "max": [r[3] for r in rows],
    }


def iot_settings_of(*, actor: Actor, organization: Organization) -> IotSettings:
    """The organisation's IoT settings (the defaults, unsaved, until someone sets them)."""
    require(actor, organization, IotPerm.IOT_VIEW)
    return IotSettings.objects.filter(organization=organization).first() or IotSettings(
        organization=organization, retention_days=settings.MUANG_IOT_RETENTION_DAYS
    )
