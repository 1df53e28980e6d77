"""The environment's KPI (issue 15): days of a month with a 24-hour PM2.5 average above the standard (37.5 µg/m³)
at any air station, and the stations as its map layer, by a hand-computed example."""

import datetime as dt
from decimal import Decimal

import pytest

from muang.core.thai_dates import BANGKOK
from muang.environment import kpis
from muang.environment.tests.conftest import pm, water

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def bkk(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BANGKOK)


def test_days_above_the_standard_count_once_whichever_station_was_above(city):
    pm(city, 40, bkk(3, 10))
    pm(city, 50, bkk(3, 11))  # 3 March: 45.0 at the market, above
    pm(city, 20, bkk(4, 10))
    pm(city.far_device, 60, bkk(4, 10))  # 4 March: 20.0 at the market, 60.0 at the temple: one day
    pm(city.far_device, 70, bkk(3, 10))  # 3 March above at both stations: still one day
    pm(city, 37.5, bkk(5, 10))  # at the standard, not above it
    pm(city, 37.0, bkk(6, 23))
    pm(city, 40.0, bkk(7, 0, 3) + dt.timedelta(minutes=30))  # a Bangkok day each: 37.0 and 40.0, not 38.5
    water(city, 4.9, bkk(8, 10))  # a river gauge is not an air station
    start, end = MARCH
    assert kpis.pm25_days(organization=city.org, start=start, end=end) == Decimal(3)
    # No reading in February: nothing measured, not "0 days".
    assert kpis.pm25_days(organization=city.org, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)) is None
    places = kpis.station_places(organization=city.org, start=start, end=end)
    assert [count for _lon, _lat, count in places] == [2, 2]  # market: 3 and 7 March; temple: 3 and 4 March
    market = next(p for p in places if abs(p[1] - 16.54) < 0.001)
    assert abs(market[0] - 102.10) < 0.001  # the cell's centre, within 100 m of the station


def test_the_city_page_draws_the_stations_layer(city):
    from django.test import Client
    from django.urls import reverse

    from muang.core.models import Role
    from muang.core.tests.factories import member

    pm(city, 45, bkk(3, 10))
    client = Client()
    client.force_login(member(city.org, Role.EXECUTIVE))
    url = reverse("kpi:places", args=["environment.pm25_days"])
    layer = client.get(url, {"month": "2026-03"}).json()
    assert layer["month"] == "2026-03"
    assert sorted(f["properties"]["count"] for f in layer["features"]) == [
        1
    ]  # the temple's station read nothing
    assert (
        client.get(reverse("kpi:places", args=["environment.no_such"]), {"month": "2026-03"}).status_code
        == 404
    )
