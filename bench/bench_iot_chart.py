"""The device page's 30-day chart of one station, with a year of 5-minute readings of 1,000 devices stored.

The readings (one key, 288 a day per device: 105 M rows at full size) are generated in SQL with
`generate_series`, straight into the monthly partitions of `iot_telemetry`, in the bench's own throwaway database
(dropped at the end unless --keep). The partitions are UNLOGGED there: the bench measures reads, and skipping
the WAL halves the disk written while loading.

After loading, the worker's roll-up task (`muang.iot.services.rollup.telemetry_rollup`) catches up: the hourly
roll-ups of every completed hour, timed. The chart then reads them for the completed hours and the raw rows for
the current hour.

Measured: the chart's JSON endpoint (`iot:device-chart`, through the Django test client as the engineering
officer, session and all) and its selector (`muang.iot.selectors.telemetry_chart`), each for random stations
(cold-ish pages) and for one station asked again (warm), beside the baseline: the bare `date_bin` SQL query of
the same buckets over the raw rows (what the selector ran before the roll-ups), measured in the same run.

    .venv/bin/python bench/bench_iot_chart.py [--devices 1000] [--days 365] [--requests 200] [--keep]
    .venv/bin/python bench/bench_iot_chart.py --quick        # 50 devices, 40 days
    .venv/bin/python bench/bench_iot_chart.py --keep ... ; then --reuse (same --devices) to measure again
"""

import argparse
import datetime as dt
import random
import time

from support import BENCH_DB, PM25, bench_sensor_town, load_average, p95, report, setup_django, timed

DB = f"{BENCH_DB}_iotchart"
SLUG = "bench-iot-chart"


def world(devices: int):

    from muang.core.models import Duty, Membership, Role
    from muang.core.tests.factories import member
    from muang.iot.models import Device

    org, _ = bench_sensor_town(SLUG, "เทศบาลทดสอบกราฟ", "IoT chart bench town", [PM25], devices=devices)
    existing = Membership.objects.filter(organization=org, role=Role.OFFICER).select_related("user").first()
    user = existing.user if existing else member(org, Role.OFFICER, duties=[Duty.ENGINEERING])  # iot.view
    ids = list(Device.objects.filter(organization=org).order_by("id").values_list("id", flat=True)[:devices])
    return org, ids, user


def load(org, ids: list[int], days: int, now: dt.datetime) -> int:
    """A reading every 5 minutes for `days` days from each device, in time order as ingest stores them (every
    device's reading of 10:05, then of 10:10, ...: one device's month is spread over thousands of pages, the
    honest case for a chart). Each month is loaded into a bare table, given its primary key (one sort instead of
    a hundred million b-tree inserts), checked against its bounds and attached as the month's partition."""
    from django.db import connection

    from muang.iot.services.partitions import TABLE, month_start, next_month, partition_name

    start = (now - dt.timedelta(days=days)).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes=start.minute % 5)
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {name}")
        cursor.execute(  # the roll-ups of the readings dropped: the roll-up task makes them again
            "DELETE FROM iot_telemetryhour; DELETE FROM iot_telemetryhourdirty; "
            "UPDATE iot_telemetryrollup SET done_until = NULL"
        )
        cursor.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")
        # The month's key exactly as the parent's (with its INCLUDE), so that ATTACH adopts it.
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [TABLE],
        )
        (key_definition,) = cursor.fetchone()
        month = month_start(start)
        while month <= month_start(now):
            hi_month = next_month(month)
            name = partition_name(month)
            lo = max(start, dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC))
            hi = min(now, dt.datetime(hi_month.year, hi_month.month, 1, tzinfo=dt.UTC))
            bounds = f"FROM ('{month.isoformat()} 00:00+00') TO ('{hi_month.isoformat()} 00:00+00')"
            began = time.perf_counter()
            cursor.execute(f"CREATE UNLOGGED TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
            cursor.execute(
                f"INSERT INTO {name} (organization_id, device_id, key, time, value) "  # noqa: S608 (our own name)
                "SELECT %s, d.id, 'pm25', t, 20 + d.id %% 30 + round((random() * 10)::numeric, 1) "
                "FROM generate_series(%s::timestamptz, %s::timestamptz - interval '1 microsecond', "
                "interval '5 minutes') AS t, LATERAL unnest(%s::bigint[]) AS d(id)",
                [org.pk, lo, hi, ids],
            )
            rows = cursor.rowcount
            loaded = time.perf_counter() - began
            cursor.execute(f"ALTER TABLE {name} ADD {key_definition}")
            cursor.execute(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds CHECK "
                f"(time >= '{month.isoformat()} 00:00+00' AND time < '{hi_month.isoformat()} 00:00+00')"
            )
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
            cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")
            cursor.execute(f"VACUUM ANALYZE {name}")
            seconds = time.perf_counter() - began
            total += rows
            print(
                f"  {name}: {rows:,} rows, inserted in {loaded:.0f} s ({rows / max(loaded, 1e-9):,.0f}/s), "
                f"with its key {seconds:.0f} s",
                flush=True,
            )
            month = hi_month
    return total


def measure(fn, stations: list[int], requests: int) -> list[float]:
    samples = []
    for i in range(requests):
        with timed() as t:
            fn(stations[i % len(stations)])
        samples.append(t.seconds * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="50 devices, 40 days")
    parser.add_argument("--keep", action="store_true", help="keep the bench database (default: dropped)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the readings a --keep run left (no loading; implies --keep)",
    )
    args = parser.parse_args()
    if args.quick:
        args.devices, args.days = 50, 40
    setup_django(database=DB)

    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        run(args)
    finally:
        if not (args.keep or args.reuse):
            drop()


def run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from muang.core.access import SYSTEM
    from muang.iot.models import Device
    from muang.iot.selectors import BUCKETS, CHART_RANGES, ORIGIN, telemetry_chart

    now = timezone.now()
    org, ids, user = world(args.devices)
    print(
        f"loading {args.devices:,} devices x {args.days} days of 5-minute readings (one key) ...", flush=True
    )
    with timed() as loading:
        if args.reuse:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM iot_telemetry")
                (rows,) = cursor.fetchone()
        else:
            rows = load(org, ids, args.days, now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s) + coalesce(sum(pg_total_relation_size(inhrelid)), 0) "
                       "FROM pg_inherits WHERE inhparent = %s::regclass", ["iot_telemetry", "iot_telemetry"])  # fmt: skip
        (size,) = cursor.fetchone()
    print(
        f"stored: {rows:,} readings ({args.devices:,} devices x {args.days} days, every 5 min), "
        f"{size / 2**30:.1f} GiB with the primary key, loaded in {loading.seconds:.0f} s",
        flush=True,
    )

    from muang.iot.services.rollup import telemetry_rollup

    with timed() as rolling:  # the worker's catch-up from the oldest month (a --reuse run: the hours since)
        done = telemetry_rollup(now=now, max_span=dt.timedelta(days=args.days + 62))
    print(
        f"hourly roll-up (muang.iot.tasks.roll_up_telemetry): {done['rows']:,} rows for {done['hours']:,} hours "
        f"in {rolling.seconds:.0f} s",
        flush=True,
    )

    rng = random.Random(7)
    stations = [rng.choice(ids) for _ in range(args.requests)]
    one = [ids[len(ids) // 2]]
    devices = {
        d.pk: d
        for d in Device.objects.filter(pk__in=set(stations + one)).select_related("profile", "organization")
    }
    span, bucket = CHART_RANGES["30d"]

    def selector(device_id: int) -> None:
        chart = telemetry_chart(actor=SYSTEM, device=devices[device_id], key="pm25", period="30d", now=now)
        assert len(chart["x"]) >= 24 * min(args.days, 30) - 1, len(chart["x"])

    def raw(device_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT date_bin(%s, time, %s) AS bucket, avg(value), min(value), max(value), count(*) "
                "FROM iot_telemetry WHERE organization_id = %s AND device_id = %s AND key = %s "
                "AND time >= %s AND time < %s GROUP BY 1 ORDER BY 1",
                [BUCKETS[bucket], ORIGIN, org.pk, device_id, "pm25", now - span, now],
            )
            cursor.fetchall()

    client = Client()
    client.force_login(user)

    def endpoint(device_id: int) -> None:
        response = client.get(reverse("iot:device-chart", args=[device_id]), {"key": "pm25", "period": "30d"})
        assert response.status_code == 200, response.status_code

    for fn in (raw, selector, endpoint):  # warm the code paths (not the data)
        fn(one[0])
    results = {}
    for name, fn in (("raw", raw), ("selector", selector), ("endpoint", endpoint)):
        rng.shuffle(stations)  # each path meets the stations in another order
        random_ms = measure(fn, stations, args.requests)
        warm_ms = measure(fn, one, args.requests)
        results[name] = (p95(random_ms), p95(warm_ms))

    label = f"30-day chart, {rows / 1e6:,.1f} M rows stored"
    report(
        f"{label}: endpoint p95, random stations",
        f"{results['endpoint'][0]:.1f} ms",
        "raw date_bin SQL",
        f"{results['raw'][0]:.1f} ms",
        "<= 100 ms",
    )
    report(
        f"{label}: selector p95, random stations",
        f"{results['selector'][0]:.1f} ms",
        "raw date_bin SQL",
        f"{results['raw'][0]:.1f} ms",
    )
    report(
        f"{label}: endpoint p95, one station again",
        f"{results['endpoint'][1]:.1f} ms",
        "raw date_bin SQL",
        f"{results['raw'][1]:.1f} ms",
    )
    print(load_average(), flush=True)


def drop() -> None:
    import psycopg
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    params = settings.DATABASES["default"]
    conninfo = {
        k: v
        for k, v in {
            "dbname": "postgres",
            "user": params.get("USER") or None,
            "password": params.get("PASSWORD") or None,
            "host": params.get("HOST") or None,
            "port": params.get("PORT") or None,
        }.items()
        if v
    }
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    print(f"dropped the bench database {DB}", flush=True)


if __name__ == "__main__":
    main()
