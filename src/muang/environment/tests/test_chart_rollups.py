"""The public station chart reads the iot charts' computation (hourly roll-ups below the worker's watermark, raw
rows for the rest) and answers exactly what it answered when it read raw telemetry with `date_bin`: the same
buckets, the same means, the same bounds (the reading stamped `now` in, the one stamped `now - span` out).
Frozen clock, readings every 5 minutes over 3 days and across hour and day boundaries, a late reading."""

import datetime as dt

import pytest
from django.db import connection

from muang.environment.selectors import KEYS, station_history
from muang.iot.services import rollup
from muang.iot.services.ingest import Message, ingest_batch

from .conftest import make_city

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 16:00 in Bangkok, a reading's time
H = dt.timedelta(hours=1)
OLD_RANGES = {"24h": (dt.timedelta(hours=24), dt.timedelta(minutes=15)), "30d": (dt.timedelta(days=30), H)}
ORIGIN = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def value(i: int) -> float:
    return 5 + (i * 37 % 101) * 0.25  # quarters: every sum exact, so the means are equal to the last bit


@pytest.fixture
def city(areas):
    city = make_city()
    first = NOW - dt.timedelta(days=3)
    messages = [
        Message(
            city.air_device,
            {
                "ts": (first + dt.timedelta(minutes=5 * i)).isoformat(),
                "values": {"pm2_5": value(i), "pm10": value(i + 7) * 2},
            },
            NOW,
        )
        for i in range(3 * 288 + 1)  # to NOW itself
    ]
    outcomes = ingest_batch(organization=city.org, messages=messages, now=NOW)
    assert {o.status for o in outcomes} == {"stored"}
    with connection.cursor() as cursor:  # the worker starts at the first reading
        cursor.execute("UPDATE iot_telemetryrollup SET done_until = %s WHERE id = 1", [first])
    return city


def before(station, range_code: str, now: dt.datetime) -> dict:
    """The station chart as it was: raw telemetry, `date_bin`, the period (now - span, now]."""
    span, bucket = OLD_RANGES[range_code]
    keys = KEYS[station.kind]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM date_bin(%s, time, %s))::bigint AS b, key, avg(value) FROM iot_telemetry "
            "WHERE organization_id = %s AND device_id = %s AND key = ANY(%s) AND time > %s AND time <= %s "
            "GROUP BY 1, 2 ORDER BY 1",
            [bucket, ORIGIN, station.organization_id, station.device_id, list(keys), now - span, now],
        )
        rows = cursor.fetchall()
    times = sorted({b for b, _k, _v in rows})
    position = {b: i for i, b in enumerate(times)}
    columns: dict[str, list] = {k: [None] * len(times) for k in keys}
    for b, key, mean in rows:
        columns[key][position[b]] = round(mean, 2)
    return {
        "range": range_code,
        "bucket": int(bucket.total_seconds()),
        "start": int((now - span).timestamp()),
        "end": int(now.timestamp()),
        "t": times,
        **columns,
    }


def rolled_hours(station) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM iot_telemetryhour WHERE device_id = %s", [station.device_id])
        return cursor.fetchone()[0]


MOMENTS = [  # on a reading and on the hour; between readings; on a reading inside an hour
    NOW,
    NOW - dt.timedelta(minutes=7, seconds=30),
    NOW - dt.timedelta(hours=30, minutes=25),
]


def test_the_station_chart_equals_the_raw_computation_before_and_after_the_roll_up(city):
    for range_code in ("24h", "30d"):
        for now in MOMENTS:
            assert station_history(station=city.air, range_code=range_code, now=now) == before(
                city.air, range_code, now
            )
    done = rollup.telemetry_rollup(now=NOW)
    assert done["hours"] == 71 and rolled_hours(city.air) == 2 * 71  # 08:00-09:00 is in its grace
    month = station_history(station=city.air, range_code="30d", now=NOW)
    assert month["bucket"] == 3600 and len(month["t"]) == 73  # 72 whole hours, and 09:00 itself
    assert month["t"][-1] == int(NOW.timestamp()) and month["t"][0] == int((NOW - 72 * H).timestamp())
    for range_code in ("24h", "30d"):
        for now in MOMENTS:
            assert station_history(station=city.air, range_code=range_code, now=now) == before(
                city.air, range_code, now
            )


def test_the_30_day_chart_reads_the_roll_ups_and_the_24_hour_one_the_raw_rows(city):
    rollup.telemetry_rollup(now=NOW)
    hour = dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC)
    month = station_history(station=city.air, range_code="30d", now=NOW)
    day = station_history(station=city.air, range_code="24h", now=NOW)
    with connection.cursor() as cursor:  # the raw rows of a rolled-up hour vanish behind the roll-up's back
        cursor.execute(
            "DELETE FROM iot_telemetry WHERE device_id = %s AND time >= %s AND time < %s",
            [city.air_device.pk, hour, hour + H],
        )
    assert station_history(station=city.air, range_code="30d", now=NOW) == month  # from the roll-ups
    assert int(hour.timestamp()) not in before(city.air, "30d", NOW)["t"]
    assert station_history(station=city.air, range_code="24h", now=NOW) == day  # hour is 31 hours back
    recent = NOW - 3 * H
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM iot_telemetry WHERE device_id = %s AND time >= %s AND time < %s",
            [city.air_device.pk, recent, recent + H],
        )
    assert int(recent.timestamp()) not in station_history(station=city.air, range_code="24h", now=NOW)["t"]


def test_a_late_reading_shows_at_once_and_after_its_hour_is_recomputed(city):
    rollup.telemetry_rollup(now=NOW)
    late_hour = dt.datetime(2026, 3, 1, 23, tzinfo=dt.UTC)
    late = Message(
        city.air_device,
        {"ts": (late_hour + dt.timedelta(minutes=33)).isoformat(), "values": {"pm2_5": 999.5}},
        NOW,
    )
    assert [o.status for o in ingest_batch(organization=city.org, messages=[late], now=NOW)] == ["stored"]
    chart = station_history(station=city.air, range_code="30d", now=NOW)
    assert chart == before(city.air, "30d", NOW)  # the dirty hour read raw until the worker recomputes it
    assert chart["pm25"][chart["t"].index(int(late_hour.timestamp()))] > 80
    rollup.telemetry_rollup(now=NOW + dt.timedelta(minutes=5))
    assert station_history(station=city.air, range_code="30d", now=NOW) == chart


def test_a_water_gauge_chart_too(city):
    from .conftest import water

    for i in range(30):
        water(city, 2.0 + 0.01 * i, NOW - dt.timedelta(hours=5) + 10 * i * dt.timedelta(minutes=1))
    rollup.telemetry_rollup(now=NOW)
    for range_code in ("24h", "30d"):
        assert station_history(station=city.gauge, range_code=range_code, now=NOW) == before(
            city.gauge, range_code, NOW
        )
