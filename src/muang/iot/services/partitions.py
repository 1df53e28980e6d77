"""The monthly partitions of `iot_telemetry`: created ahead, dropped when every organisation's retention allows.

Retention is per organisation (`IotSettings.retention_days`, default `MUANG_IOT_RETENTION_DAYS`), but a
partition holds a month of every organisation's readings: a month is dropped only when it ended before the
LONGEST retention of all organisations, so no organisation loses a reading it still keeps. Organisations with a
shorter retention stop seeing (and accepting) older readings at once (the ingest and history selectors clamp to
their own retention); the rows themselves go with the month. A deployment whose organisations differ widely
partitions by organisation first (Citus, see the module docstring of `muang.iot.models`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from muang.iot.models import IotSettings, SeenMessage

TABLE = "iot_telemetry"
MONTHS_AHEAD = 3
LOCK_KEY = 0x10_7E1E  # pg_advisory_xact_lock: one maintainer at a time across workers


def month_start(moment: dt.datetime | dt.date) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _create_sql(month: dt.date) -> str:
    lo, hi = month.isoformat(), next_month(month).isoformat()
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{lo} 00:00+00') TO ('{hi} 00:00+00')"
    )


def existing_partitions() -> dict[str, dt.date]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        names = [r[0] for r in cursor.fetchall()]
    out = {}
    for name in names:
        suffix = name.removeprefix(TABLE + "_y")
        out[name] = dt.date(int(suffix[:4]), int(suffix[5:7]), 1)
    return out


def ensure_partitions(months) -> None:
    """Create the partitions of these months if missing (ingest calls it for the months of a batch, so a reading
    is never refused for want of a partition; the worker normally made them already)."""
    wanted = {month_start(m) for m in months}
    if not wanted:
        return
    names = [partition_name(m) for m in sorted(wanted)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM unnest(%s::text[]) n WHERE to_regclass(n) IS NULL", [names])
        missing = {r[0] for r in cursor.fetchall()}
        if not missing:
            return
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for month in sorted(wanted):
            if partition_name(month) in missing:
                cursor.execute(_create_sql(month))


def longest_retention_days() -> int:
    default = settings.MUANG_IOT_RETENTION_DAYS
    longest = IotSettings.objects.aggregate(m=Max("retention_days"))["m"]
    # Organisations without their own settings keep the default: it counts as one of the retentions.
    return max(default, longest or 0)


@transaction.atomic
def telemetry_partitions_maintain(*, now: dt.datetime | None = None) -> dict:
    """Create this month's and the next three months' partitions; drop every month that ended before the
    longest retention, and their hourly roll-ups; forget delivered message ids after `MUANG_IOT_DEDUP_DAYS`. Safe to repeat."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    month = month_start(now)
    months = [month]
    for _ in range(MONTHS_AHEAD):
        months.append(next_month(months[-1]))
    before = existing_partitions()
    with connection.cursor() as cursor:
        for m in months:
            cursor.execute(_create_sql(m))
    created = sorted(partition_name(m) for m in months if partition_name(m) not in before)
    cutoff = now - dt.timedelta(days=longest_retention_days())
    dropped = []
    with connection.cursor() as cursor:
        for name, start in sorted(before.items(), key=lambda kv: kv[1]):
            end = next_month(start)
            if dt.datetime(end.year, end.month, 1, tzinfo=dt.UTC) <= cutoff:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
                dropped.append(name)
    # The hourly roll-ups of the months dropped go with them (the charts read roll-ups only where rows are kept).
    from muang.iot.services.rollup import forget_rollups_before

    kept = [start for name, start in before.items() if name not in dropped] + months
    oldest = min(kept)
    forget_rollups_before(dt.datetime(oldest.year, oldest.month, 1, tzinfo=dt.UTC))
    forget = now - dt.timedelta(days=settings.MUANG_IOT_DEDUP_DAYS)
    forgotten, _ = SeenMessage.objects.filter(received_at__lt=forget).delete()
    return {"created": created, "dropped": dropped, "forgotten": forgotten}
