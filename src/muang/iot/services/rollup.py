"""Hourly roll-ups of telemetry (`iot_telemetryhour`) for the charts, filled by the worker for completed hours.

The watermark (`iot_telemetryrollup.done_until`, an hour boundary) says up to where every hour is rolled up.
A run rolls the hours from the watermark up to the last hour that ended `GRACE` ago (an ingest batch stamped in
the hour before is committed by then), a day a transaction, so a worker that was down catches up from where it
stopped; then it recomputes the hours below the watermark that ingest marked dirty (a reading arrived late for
an hour already complete: `mark_late_hours`). Every statement is an upsert of the same computation: running it
twice, or on two workers (one at a time: an advisory lock), gives the same rows.

The readers (`muang.iot.selectors`) read roll-ups only below the watermark and never for a dirty hour, so a chart
equals the raw computation at every moment, also between a late reading and its recomputation."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from muang.core.bulk import array_literal
from muang.iot.services.partitions import existing_partitions

HOUR = dt.timedelta(hours=1)
GRACE = dt.timedelta(minutes=5)  # an hour is rolled up this long after it ended
CHUNK = dt.timedelta(days=1)  # hours rolled in one transaction
MAX_PER_RUN = dt.timedelta(days=7)  # a run that catches up stops after this much (the next run goes on)
LOCK_KEY = 0x10_7E1F  # pg_advisory_xact_lock: one roll-up at a time across workers


def floor_hour(moment: dt.datetime) -> dt.datetime:
    """The start of the hour of `moment` (hours are the same in UTC and Bangkok time, +07:00)."""
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: dt.datetime) -> dt.datetime:
    start = floor_hour(moment)
    return start if start == moment else start + HOUR


def rolled_until() -> dt.datetime | None:
    """The watermark: every hour before it is in `iot_telemetryhour` (None: nothing rolled up yet)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT done_until FROM iot_telemetryrollup WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


# One upsert for the roll-up of a time range and for the recomputation of dirty hours: the same aggregate.
_AGGREGATE = (
    "SELECT organization_id, device_id, key, date_trunc('hour', time, 'UTC'), "
    "count(*), sum(value), min(value), max(value) FROM iot_telemetry WHERE {where} GROUP BY 1, 2, 3, 4"
)
_UPSERT = (
    "INSERT INTO iot_telemetryhour (organization_id, device_id, key, hour, n, total, lo, hi) {select} "
    "ON CONFLICT (organization_id, device_id, key, hour) DO UPDATE "
    "SET n = EXCLUDED.n, total = EXCLUDED.total, lo = EXCLUDED.lo, hi = EXCLUDED.hi"
)


_DIRTY_AGGREGATE = (
    "SELECT t.organization_id, t.device_id, t.key, d.h, count(*), sum(t.value), min(t.value), max(t.value) "
    "FROM {marks} JOIN LATERAL (SELECT * FROM iot_telemetry WHERE organization_id = d.o AND device_id = d.dv "
    "AND key = d.k AND time >= d.h AND time < d.h + interval '1 hour') t ON true GROUP BY 1, 2, 3, 4"
)


_DIRTY_DELETE = (
    "DELETE FROM iot_telemetryhour r USING {marks} "
    "WHERE r.organization_id = d.o AND r.device_id = d.dv AND r.key = d.k AND r.hour = d.h"
)


def _roll_range(cursor, start: dt.datetime, end: dt.datetime) -> int:
    select = _AGGREGATE.format(where="time >= %s AND time < %s")
    cursor.execute(_UPSERT.format(select=select), [start, end])
    return cursor.rowcount


def mark_late_hours(rows) -> None:
    """Ingest: these (organisation, device, key, hour) got a reading after the hour ended; the roll-up computes
    them again and the charts read them raw until then. Called inside the batch's transaction."""
    if not rows:
        return
    columns = [array_literal(c) for c in zip(*sorted(rows), strict=True)]  # one text parameter a column
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO iot_telemetryhourdirty (organization_id, device_id, key, hour) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[]) "
            "ON CONFLICT DO NOTHING",
            columns,
        )


def telemetry_rollup(*, now: dt.datetime | None = None, max_span: dt.timedelta = MAX_PER_RUN) -> dict:
    """Roll up the completed hours since the watermark (at most `max_span` of them), then recompute the dirty
    hours below it. Returns {"hours": hours rolled, "rows": roll-up rows written, "recomputed": dirty hours}."""
    now = now or timezone.now()
    target = floor_hour(now - GRACE)
    hours = rows = 0
    stop = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("SELECT done_until FROM iot_telemetryrollup WHERE id = 1 FOR UPDATE")
            (start,) = cursor.fetchone()
            if start is None:  # the first run: from the oldest month still kept
                months = existing_partitions().values()
                start = (
                    dt.datetime(min(months).year, min(months).month, 1, tzinfo=dt.UTC) if months else target
                )
            if stop is None:
                stop = min(target, start + max_span)
            end = min(stop, start + CHUNK)
            if end > start:
                rows += _roll_range(cursor, start, end)
                hours += int((end - start) / HOUR)
            cursor.execute("UPDATE iot_telemetryrollup SET done_until = %s WHERE id = 1", [max(start, end)])
        if end >= stop:
            break
    return {"hours": hours, "rows": rows, "recomputed": recompute_dirty_hours()}


@transaction.atomic
def recompute_dirty_hours() -> int:
    """The dirty hours below the watermark, computed again from the raw rows (an hour whose rows are gone with
    their month loses its roll-up too). A mark written while this runs stays for the next run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(
            "DELETE FROM iot_telemetryhourdirty WHERE hour < (SELECT done_until FROM iot_telemetryrollup) "
            "RETURNING organization_id, device_id, key, hour"
        )
        dirty = cursor.fetchall()
        if not dirty:
            return 0
        columns = [array_literal(c) for c in zip(*sorted(dirty), strict=True)]
        marks = "unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[]) AS d(o, dv, k, h)"
        cursor.execute(_DIRTY_DELETE.format(marks=marks), columns)
        select = _DIRTY_AGGREGATE.format(marks=marks)
        cursor.execute(_UPSERT.format(select=select), columns)
    return len(dirty)


def forget_rollups_before(cutoff: dt.datetime) -> int:
    """Roll-ups of hours whose readings went with their month (the partition task calls it)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM iot_telemetryhour WHERE hour < %s", [cutoff])
        deleted = cursor.rowcount
        cursor.execute("DELETE FROM iot_telemetryhourdirty WHERE hour < %s", [cutoff])
    return deleted
