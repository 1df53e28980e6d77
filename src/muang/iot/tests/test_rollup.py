"""The hourly roll-ups behind the charts: filled by the worker for completed hours (idempotent, catching up after
downtime), read for completed hours with the raw rows for the rest, recomputed after a late reading; every answer
equal to the raw `date_bin` computation. Frozen clock (NOW), readings across hour and day boundaries."""

import datetime as dt

import pytest
from django.db import connection

from muang.core.access import SYSTEM
from muang.core.tests.factories import OrganizationFactory
from muang.iot import selectors
from muang.iot.services import rollup
from muang.iot.services.ingest import Message, ingest_batch
from muang.iot.services.partitions import telemetry_partitions_maintain
from muang.iot.tests.factories import air_profile, device

NOW = dt.datetime(2026, 3, 2, 3, 20, 30, tzinfo=dt.UTC)  # 10:20:30 in Bangkok
H = dt.timedelta(hours=1)

pytestmark = pytest.mark.usefixtures("areas")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def set_watermark(at):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE iot_telemetryrollup SET done_until = %s WHERE id = 1", [at])


def value(i: int) -> float:
    return round(5 + (i * 37 % 101) * 0.53, 2)  # varied, no .0005 ties for the chart's rounding


@pytest.fixture
def station():
    """An air station with a reading every 10 minutes (pm25 and pm10) over the last 3 days, to NOW."""
    org = OrganizationFactory()
    air, _ = device(org, air_profile(org))
    first = NOW - dt.timedelta(days=3)
    messages = [
        Message(
            air,
            {
                "ts": (first + dt.timedelta(minutes=10 * i)).isoformat(),
                "values": {"pm2_5": value(i), "pm10": value(i + 7) * 2},
            },
            NOW,
        )
        for i in range(3 * 144 + 1)  # the last three in the current hour (03:00:30, 03:10:30, 03:20:30)
    ]
    assert {o.status for o in ingest_batch(organization=org, messages=messages, now=NOW)} == {"stored"}
    set_watermark(rollup.floor_hour(first))
    return air


def raw(air, key, start, end, bucket):
    """The raw computation, as the selector did before roll-ups."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_bin(%s, time, %s), avg(value), min(value), max(value), count(*) FROM iot_telemetry "
            "WHERE organization_id = %s AND device_id = %s AND key = %s AND time >= %s AND time < %s "
            "GROUP BY 1 ORDER BY 1",
            [selectors.BUCKETS[bucket], selectors.ORIGIN, air.organization_id, air.pk, key, start, end],
        )
        return [
            {"time": t, "avg": a, "min": lo, "max": hi, "count": n} for t, a, lo, hi, n in cursor.fetchall()
        ]


def assert_equal_to_raw(air, key, start, end, bucket):
    got = selectors.telemetry_history(actor=SYSTEM, device=air, key=key, start=start, end=end, bucket=bucket)
    want = raw(air, key, start, end, bucket)
    assert [(r["time"], r["count"], r["min"], r["max"]) for r in got] == [
        (r["time"], r["count"], r["min"], r["max"]) for r in want
    ]
    assert [r["avg"] for r in got] == pytest.approx([r["avg"] for r in want], rel=1e-12)
    return got


def rolled_rows(air=None):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT device_id, key, hour, n, total, lo, hi FROM iot_telemetryhour "
            "WHERE %s::bigint IS NULL OR device_id = %s ORDER BY 1, 2, 3",
            [air and air.pk, air and air.pk],
        )
        return cursor.fetchall()


def dirty_hours():
    with connection.cursor() as cursor:
        cursor.execute("SELECT device_id, key, hour FROM iot_telemetryhourdirty ORDER BY 1, 2, 3")
        return cursor.fetchall()


def test_charts_from_roll_ups_equal_the_raw_computation(station):
    air = station
    assert dirty_hours()  # ingest marked every past hour of the backfill as late ...
    done = rollup.telemetry_rollup(now=NOW)
    assert done["hours"] == 72 and not dirty_hours()  # ... the roll-up recomputed them
    assert rollup.rolled_until() == dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)  # 02:00-03:00 ended 20 min ago
    assert len(rolled_rows(air)) == 2 * 72  # two keys a completed hour; the current hour stays raw
    for key in ("pm25", "pm10"):
        for bucket in ("1h", "6h", "1d", "15m", "5m"):  # whole hours from roll-ups, shorter buckets raw
            assert_equal_to_raw(air, key, NOW - dt.timedelta(days=2, minutes=7), NOW, bucket)
        hourly = assert_equal_to_raw(air, key, NOW - dt.timedelta(days=30), NOW, "1h")
        assert (
            hourly[-1]["time"] == dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC) and hourly[-1]["count"] == 2
        )  # end excluded
        assert_equal_to_raw(
            air, key, NOW - dt.timedelta(hours=5, minutes=1), NOW - dt.timedelta(hours=2), "1h"
        )
    chart = selectors.telemetry_chart(actor=SYSTEM, device=air, key="pm25", period="30d")
    want = raw(air, "pm25", NOW - dt.timedelta(days=30), NOW, "1h")
    assert chart["x"] == [int(r["time"].timestamp()) for r in want]
    assert chart["avg"] == [round(r["avg"], 3) for r in want]
    assert (chart["min"], chart["max"]) == ([r["min"] for r in want], [r["max"] for r in want])


def test_the_hourly_chart_reads_the_roll_ups_and_the_zoomed_in_one_the_raw_rows(station):
    air = station
    rollup.telemetry_rollup(now=NOW)
    hour = dt.datetime(2026, 3, 1, 22, tzinfo=dt.UTC)
    before = selectors.telemetry_history(actor=SYSTEM, device=air, key="pm25", start=hour, end=hour + H)
    with connection.cursor() as cursor:  # the raw rows of a rolled-up hour vanish behind the roll-up's back
        cursor.execute("DELETE FROM iot_telemetry WHERE device_id = %s AND time >= %s AND time < %s",
                       [air.pk, hour, hour + H])  # fmt: skip
    after = selectors.telemetry_history(actor=SYSTEM, device=air, key="pm25", start=hour, end=hour + H)
    assert after == before and after[0]["count"] == 6
    zoomed = selectors.telemetry_history(
        actor=SYSTEM, device=air, key="pm25", start=hour, end=hour + H, bucket="5m"
    )
    assert zoomed == []


def test_a_late_reading_is_read_raw_at_once_and_its_hour_recomputed(station):
    air = station
    rollup.telemetry_rollup(now=NOW)
    rows = rolled_rows(air)
    late_hour = dt.datetime(2026, 3, 1, 23, tzinfo=dt.UTC)
    late = Message(
        air, {"ts": (late_hour + dt.timedelta(minutes=33)).isoformat(), "values": {"pm2_5": 999.5}}, NOW
    )
    now_reading = Message(
        air, {"ts": (NOW - dt.timedelta(minutes=1)).isoformat(), "values": {"pm2_5": 1.25}}, NOW
    )
    assert [
        o.status for o in ingest_batch(organization=air.organization, messages=[late, now_reading], now=NOW)
    ] == [
        "stored",
        "stored",
    ]
    assert dirty_hours() == [(air.pk, "pm25", late_hour)]  # the current hour's reading is not late
    got = assert_equal_to_raw(air, "pm25", NOW - dt.timedelta(days=2), NOW + H, "1h")  # before the worker ran
    (row,) = [r for r in got if r["time"] == late_hour]
    assert (row["count"], row["max"]) == (7, 999.5)
    assert_equal_to_raw(air, "pm25", NOW - dt.timedelta(days=2), NOW + H, "1d")

    done = rollup.telemetry_rollup(now=NOW + dt.timedelta(minutes=5))
    assert (done["hours"], done["recomputed"]) == (0, 1) and not dirty_hours()
    changed = [r for r in rolled_rows(air) if r not in rows]
    assert [(r[1], r[2], r[3], r[6]) for r in changed] == [("pm25", late_hour, 7, 999.5)]
    assert_equal_to_raw(air, "pm25", NOW - dt.timedelta(days=2), NOW + H, "1h")


def test_roll_up_catches_up_after_downtime_a_chunk_a_run_and_repeats_to_the_same_rows(station):
    air = station
    first = rollup.floor_hour(NOW - dt.timedelta(days=3))
    assert rollup.telemetry_rollup(now=NOW, max_span=dt.timedelta(days=1))["hours"] == 24
    assert rollup.rolled_until() == first + dt.timedelta(days=1)
    # meanwhile the charts combine what is rolled up with the raw rows after the watermark
    assert_equal_to_raw(air, "pm25", NOW - dt.timedelta(days=3), NOW, "1h")
    assert_equal_to_raw(air, "pm10", NOW - dt.timedelta(days=3), NOW, "6h")
    assert rollup.telemetry_rollup(now=NOW, max_span=dt.timedelta(days=1))["hours"] == 24
    assert rollup.telemetry_rollup(now=NOW)["hours"] == 24
    assert rollup.telemetry_rollup(now=NOW)["hours"] == 0  # caught up: nothing to do
    once = rolled_rows()
    set_watermark(first)  # as if the watermark were lost: the same hours again, the same rows
    assert rollup.telemetry_rollup(now=NOW)["hours"] == 72
    assert rolled_rows() == once


def test_an_hour_is_rolled_up_only_after_its_grace(station):
    air = station
    rollup.telemetry_rollup(now=dt.datetime(2026, 3, 2, 3, 4, tzinfo=dt.UTC))
    assert rollup.rolled_until() == dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # 02:00-03:00 ended 4 min ago
    assert_equal_to_raw(air, "pm25", NOW - dt.timedelta(hours=6), NOW, "1h")
    rollup.telemetry_rollup(now=dt.datetime(2026, 3, 2, 3, 5, tzinfo=dt.UTC))
    assert rollup.rolled_until() == dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)


def test_the_first_run_starts_at_the_oldest_month_kept_and_dropped_months_lose_their_roll_ups(station):
    air = station
    set_watermark(None)
    rollup.telemetry_rollup(now=NOW, max_span=dt.timedelta(days=400))
    assert rollup.rolled_until() == dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)
    assert len(rolled_rows(air)) == 2 * 72
    # the worker drops the months past retention (400 days), and their roll-ups with them
    telemetry_partitions_maintain(now=NOW + dt.timedelta(days=500))
    assert rolled_rows(air) == []
