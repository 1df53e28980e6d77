"""The averages from the telemetry (SQL), the rise rate, the chart buckets (date_bin), the map's state and the
Smart Data Models view for NGSI-LD."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muang.environment.models import Station
from muang.environment.selectors import (
    air_averages,
    environment_entities,
    public_stations,
    station_history,
    station_states,
    water_levels,
)

from .conftest import NOW, pm, water

pytestmark = pytest.mark.django_db
MIN = dt.timedelta(minutes=1)


def test_one_hour_and_24_hour_means_of_pm25_and_pm10(city):
    for h in range(24):  # one reading an hour for a day: 10, 20, 10, 20 ...
        pm(city, 10.0 if h % 2 else 20.0, NOW - dt.timedelta(hours=h), pm10=50.0)
    for m in (10, 20, 30):  # and three more in the last hour
        pm(city, 40.0, NOW - m * MIN, pm10=80.0)
    means = air_averages(organization_id=city.org.pk, device_ids=[city.air_device.pk], at=NOW)[
        city.air_device.pk
    ]
    assert means["pm25_1h"] == pytest.approx((20 + 40 * 3) / 4)
    assert means["pm25_24h"] == pytest.approx((12 * 20 + 12 * 10 + 3 * 40) / 27)
    assert means["pm10_1h"] == pytest.approx((50 + 3 * 80) / 4)
    assert means["pm10_24h"] == pytest.approx((24 * 50 + 3 * 80) / 27)
    state = station_states([Station.objects.get(pk=city.air.pk)])[0]
    assert state["pm25"] == 20.0 and state["pm25_1h"] == 35.0 and state["aqi"] is not None


def test_rise_rate_is_the_slope_over_the_last_hour(city):
    for i in range(13):
        water(city, 2.0 + 0.05 * i, NOW - dt.timedelta(minutes=60 - 5 * i))  # 0.6 m/h
    figures = water_levels(organization_id=city.org.pk, device_ids=[city.gauge_device.pk], at=NOW)
    assert figures[city.gauge_device.pk]["level"] == pytest.approx(2.6)
    assert figures[city.gauge_device.pk]["rise_rate"] == pytest.approx(0.6, abs=0.01)
    one = water_levels(organization_id=city.org.pk, device_ids=[city.gauge_device.pk], at=NOW - 58 * MIN)
    assert one[city.gauge_device.pk]["rise_rate"] is None  # a single reading has no rate


def test_history_buckets_for_the_charts(city):
    for i in range(8):
        pm(city, 10.0 + i, NOW - dt.timedelta(minutes=7 * i), pm10=20.0)
    day = station_history(station=city.air, range_code="24h", now=NOW)
    assert day["bucket"] == 900 and len(day["t"]) == len(day["pm25"]) == len(day["pm10"])
    assert day["t"] == sorted(day["t"]) and all(t % 900 == 0 for t in day["t"])
    assert sum(day["pm25"]) == pytest.approx(sum(
        sum(v) / len(v) for v in _by_quarter([(NOW - dt.timedelta(minutes=7 * i), 10.0 + i) for i in range(8)])
    ))  # fmt: skip
    month = station_history(station=city.air, range_code="30d", now=NOW)
    assert month["bucket"] == 3600 and len(month["t"]) == 2  # 08:00 and 09:00
    with pytest.raises(Exception, match="range"):
        station_history(station=city.air, range_code="1y", now=NOW)


def _by_quarter(points):
    buckets: dict = {}
    for t, v in points:
        key = int(t.timestamp()) // 900
        buckets.setdefault(key, []).append(v)
    return buckets.values()


def test_the_map_state_takes_a_fixed_number_of_queries(city):
    pm(city, 50.0, NOW)
    water(city, 4.6, NOW)
    stations = list(public_stations(city.org))
    with CaptureQueriesContext(connection) as queries:
        states = station_states(stations)
    assert len(queries) <= 3
    by_kind = {s["kind"]: s for s in states if s["observed_at"]}
    assert by_kind["air"]["colour"] == "orange" and by_kind["air"]["alert"]
    assert by_kind["water"]["status"] == "danger" and by_kind["water"]["colour"] == "red"


def test_smart_data_models_names_for_ngsi_ld(city):
    pm(city, 50.0, NOW, pm10=90.0)
    water(city, 3.6, NOW)
    Station.objects.filter(pk=city.far.pk).update(is_public=False)
    entities = {e["type"]: e for e in environment_entities(organization=city.org) if e["dateObserved"]}
    air = entities["AirQualityObserved"]
    assert (
        air["pm25"] == 50.0
        and air["pm10"] == 90.0
        and air["airQualityLevel"] == "unhealthyForSensitiveGroups"
    )
    assert air["airQualityIndex"] > 100 and air["location"]["type"] == "Point"
    flood = entities["FloodMonitoring"]
    assert flood["currentLevel"] == 3.6 and flood["floodLevelStatus"] == "warning"
    assert (flood["referenceLevel"], flood["alertLevel"], flood["dangerLevel"]) == (4.8, 3.5, 4.5)
    assert len(environment_entities(organization=city.org)) == 2  # the station that is not public is left out
    assert len(environment_entities(organization=city.org, public_only=False)) == 3
