"""The 30-day chart of an air station (issue 10: p95 ≤ 100 ms with a year of 5-minute readings for 1,000
devices stored), beside baselines measured in the same run: the chart's previous query (raw `iot_telemetry`
with `date_bin`, what `station_history` ran before it read the roll-ups) and fetching the same month of raw rows.

The chart is `environment.selectors.station_history(range="30d")`, the iot charts' computation
(`iot.selectors.bucket_rows`): hourly means of pm25 and pm10 from the roll-ups `iot_telemetryhour` (720 rows a
key, adjacent in their primary key) below the worker's watermark and from the raw rows for the rest. After
loading, the worker's roll-up (`iot.services.rollup.telemetry_rollup`) catches up, timed. Stations are drawn
at random (seeded) among the devices, and one station is asked again and again. The bench stores fewer devices
than the target's thousand (this machine has 2 cores shared) and says how many; `bench_iot_chart.py` measured
the full size. The public endpoint (`GET /api/v1/environment/<org>/stations/<id>/history?range=30d`) is timed
too, with its JSON, for the one station.

    .venv/bin/python bench/bench_env_chart.py [--devices 50] [--days 120] [--runs 60] [--quick]
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time

from support import BENCH_DB, PM10, PM25, bench_sensor_town, p95, report, setup_django

DB = f"{BENCH_DB}_env"
SLUG = "bench-env"


def world(devices: int):

    from muang.core.access import SYSTEM
    from muang.environment.models import Station
    from muang.environment.services import station_create
    from muang.iot.models import Device

    org, _ = bench_sensor_town(
        SLUG, "เทศบาลทดสอบอากาศ", "Air bench town", [PM25, PM10], devices=devices, spacing=1e-4
    )
    device = Device.objects.filter(organization=org).order_by("serial").first()
    station = Station.objects.filter(device=device).first() or station_create(
        actor=SYSTEM, organization=org, device_id=device.pk, kind="air", name="สถานีทดสอบ"
    )
    return org, station


def fill(org, devices: int, days: int, end: dt.datetime) -> int:
    """`days` of 5-minute pm25 and pm10 for every device, in one set-based statement per month of partitions."""
    from django.db import connection

    from muang.iot.services.partitions import ensure_partitions

    start = end - dt.timedelta(days=days)
    months = set()
    day = start.date()
    while day <= end.date():
        months.add(day.replace(day=1))
        day += dt.timedelta(days=1)
    ensure_partitions(sorted(months))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM iot_telemetry WHERE organization_id = %s", [org.pk])
        if cursor.fetchone()[0] >= devices * days * 288 * 2 * 0.99:
            return 0  # already there (a second run)
        cursor.execute("DELETE FROM iot_telemetry WHERE organization_id = %s", [org.pk])
        cursor.execute(  # the roll-ups of the readings deleted: the roll-up task makes them again
            "DELETE FROM iot_telemetryhour; DELETE FROM iot_telemetryhourdirty; "
            "UPDATE iot_telemetryrollup SET done_until = NULL"
        )
        cursor.execute(
            "INSERT INTO iot_telemetry (organization_id, device_id, key, time, value) "
            "SELECT %s, d.id, k.key, t, 10 + 40 * random() FROM iot_device d "
            "CROSS JOIN (VALUES ('pm25'), ('pm10')) AS k(key) "
            "CROSS JOIN generate_series(%s::timestamptz, %s::timestamptz, interval '5 minutes') AS t "
            "WHERE d.organization_id = %s",
            [org.pk, start, end, org.pk],
        )
        cursor.execute("ANALYZE iot_telemetry")
        return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="10 devices, 35 days, 20 runs")
    args = parser.parse_args()
    if args.quick:
        args.devices, args.days, args.runs = 10, 35, 20
    setup_django(database=DB)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from muang.environment.selectors import station_history

    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    org, station = world(args.devices)
    started = time.perf_counter()
    fill(org, args.devices, args.days, end)
    rows = args.devices * args.days * 288 * 2
    print(f"stored: {args.devices} devices × {args.days} days of 5-minute pm25 and pm10 ≈ {rows:,} rows "
          f"({time.perf_counter() - started:.0f} s to fill)")  # fmt: skip

    from muang.environment.models import Station
    from muang.iot.models import Device
    from muang.iot.services.rollup import telemetry_rollup

    started = time.perf_counter()  # the worker's catch-up (a second run: the hours since)
    done = telemetry_rollup(now=end, max_span=dt.timedelta(days=args.days + 62))
    print(f"hourly roll-up: {done['rows']:,} rows for {done['hours']:,} hours "
          f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip

    def sample(fn) -> float:
        t = time.perf_counter()
        fn()
        return (time.perf_counter() - t) * 1000

    def before(device_id: int, now: dt.datetime) -> None:
        """The station chart's query before the roll-ups (raw rows, `date_bin`)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(epoch FROM date_bin(%s, time, %s))::bigint AS b, key, avg(value) "
                "FROM iot_telemetry WHERE organization_id = %s AND device_id = %s AND key = ANY(%s) "
                "AND time > %s AND time <= %s GROUP BY 1, 2 ORDER BY 1",
                [dt.timedelta(hours=1), dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                 org.pk, device_id, ["pm25", "pm10"], now - dt.timedelta(days=30), now],
            )  # fmt: skip
            cursor.fetchall()

    def fetch_raw(device_id: int, now: dt.datetime) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT key, time, value FROM iot_telemetry WHERE organization_id = %s AND device_id = %s "
                "AND key = ANY(%s) AND time > %s AND time <= %s",
                [org.pk, device_id, ["pm25", "pm10"], now - dt.timedelta(days=30), now],
            )
            cursor.fetchall()

    rng = random.Random(7)
    ids = list(Device.objects.filter(organization=org).values_list("pk", flat=True))
    client = Client()
    path = f"/api/v1/environment/{SLUG}/stations/{station.pk}/history?range=30d"
    client.get(path, HTTP_HOST="localhost")  # warm
    assert station_history(station=station, range_code="30d", now=end)["t"], "no chart"
    figures: dict[str, list[float]] = {k: [] for k in ("chart", "before", "raw", "one", "one_before", "http")}
    for i in range(args.runs):
        now = end - dt.timedelta(minutes=5 * i)
        other = Station(organization_id=org.pk, device_id=rng.choice(ids), kind="air")  # unsaved: its columns
        other_id = rng.choice(ids)
        for name, fn in (
            ("chart", lambda: station_history(station=other, range_code="30d", now=now)),  # noqa: B023
            ("before", lambda: before(other_id, now)),  # noqa: B023
            ("raw", lambda: fetch_raw(other_id, now)),  # noqa: B023
            ("one", lambda: station_history(station=station, range_code="30d", now=now)),  # noqa: B023
            ("one_before", lambda: before(station.device_id, now)),  # noqa: B023
            ("http", lambda: client.get(path, HTTP_HOST="localhost")),
        ):
            figures[name].append(sample(fn))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    report(
        "30-day chart, random stations (selector), p95",
        f"{p95(figures['chart']):.1f} ms",
        "before: raw date_bin query, random stations, p95",
        f"{p95(figures['before']):.1f} ms",
        "≤ 100 ms",
    )
    report(
        "30-day chart, one station again (selector), p95",
        f"{p95(figures['one']):.1f} ms",
        "before: raw date_bin query, p95",
        f"{p95(figures['one_before']):.1f} ms",
    )
    report(
        "30-day chart, public HTTP endpoint with JSON, p95",
        f"{p95(figures['http']):.1f} ms",
        "the month's raw rows fetched, p95",
        f"{p95(figures['raw']):.1f} ms",
        "≤ 100 ms",
    )
    medians = ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in figures.items())
    print(f"  medians (ms): {medians}; load average {' '.join(load)} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
