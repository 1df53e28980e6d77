"""The Thai AQI from its bands as data (the seeded rows of the 2023 notice), the gauge status, the hysteresis."""

import pytest

from muang.environment.levels import (
    DANGER,
    NORMAL,
    WATCH,
    GaugeLevels,
    aqi,
    band_for,
    band_with_hysteresis,
    sub_index,
    water_status,
    water_status_with_hysteresis,
)
from muang.environment.models import AqiBand
from muang.environment.selectors import aqi_bands

pytestmark = pytest.mark.django_db


@pytest.fixture
def bands():
    return aqi_bands()


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (0, "blue"),
        (15.0, "blue"),
        (15.04, "blue"),
        (15.05, "green"),  # rounded half up to 15.1, as the notice writes
        (15.1, "green"),
        (25.0, "green"),
        (25.1, "yellow"),
        (37.5, "yellow"),
        (37.6, "orange"),
        (75.0, "orange"),
        (75.1, "red"),
        (500, "red"),
    ],
)
def test_pm25_bands_at_each_boundary_of_the_notice(bands, value, colour):
    assert band_for(value, bands["pm25"]).colour == colour


@pytest.mark.parametrize(
    ("value", "colour"), [(50, "blue"), (50.4, "blue"), (51, "green"), (80, "green"), (81, "yellow"),
                          (120, "yellow"), (121, "orange"), (180, "orange"), (181, "red")]
)  # fmt: skip
def test_pm10_bands_in_whole_micrograms(bands, value, colour):
    assert band_for(value, bands["pm10"]).colour == colour


@pytest.mark.parametrize(
    ("value", "index"),
    [
        (0, 0),
        (15.0, 25),
        (15.1, 26),
        (25.0, 50),
        (25.1, 51),
        (37.5, 100),
        (37.6, 101),
        (75.0, 200),
        (75.1, 201),
    ],
)
def test_pm25_sub_index_is_interpolated_inside_its_band(bands, value, index):
    assert sub_index(value, bands["pm25"]) == index


def test_the_aqi_is_the_highest_sub_index_and_the_top_band_keeps_rising(bands):
    assert aqi({"pm25": 20.0, "pm10": 130}, bands)[0] == sub_index(130, bands["pm10"]) > 100
    index, band = aqi({"pm25": 40.0, "pm10": 30}, bands)
    assert band.colour == "orange" and index == 107  # 99 / 37.4 × 2.4 + 101
    assert sub_index(150, bands["pm25"]) > sub_index(100, bands["pm25"]) > 201
    assert aqi({"pm25": None, "pm10": None}, bands) is None


def test_the_bands_carry_thai_names_advice_and_who_alerts(bands):
    names = [b.name_th for b in bands["pm25"]]
    assert names == ["ดีมาก", "ดี", "ปานกลาง", "เริ่มมีผลกระทบต่อสุขภาพ", "มีผลกระทบต่อสุขภาพ"]
    assert [b.alerts for b in bands["pm25"]] == [False, False, False, True, True]
    assert all(b.advice_th and b.advice_en for b in bands["pm25"])
    assert set(AqiBand.objects.values_list("notice", flat=True)) == {
        "ประกาศกรมควบคุมมลพิษ เรื่อง เกณฑ์ดัชนีคุณภาพอากาศของประเทศไทย พ.ศ. 2566"
    }


def test_hysteresis_enters_at_the_lower_bound_and_leaves_only_under_it_minus_the_margin(bands):
    pm25, rank = bands["pm25"], 2
    path = []
    for value in (37.4, 37.6, 37.5, 37.2, 35.6, 37.7, 35.4, 30.0):
        rank = band_with_hysteresis(value, rank, pm25, 2.0).rank
        path.append(rank)
    assert path == [2, 3, 3, 3, 3, 3, 2, 2]  # leaves orange only under 37.6 − 2.0
    assert band_with_hysteresis(80.0, 1, pm25, 2.0).rank == 4  # up: straight into the band the value is in
    assert band_with_hysteresis(10.0, 4, pm25, 2.0).rank == 0  # down far: straight to where it is


GAUGE = GaugeLevels(alert=3.5, danger=4.5, rise_alert=0.5, margin=0.1)


def test_water_status_from_the_gauges_own_levels_and_rise_rate():
    assert water_status(2.0, 0.0, GAUGE) == NORMAL
    assert water_status(3.5, 0.0, GAUGE) == WATCH
    assert water_status(2.0, 0.6, GAUGE) == WATCH  # rising fast, still low
    assert water_status(4.5, -0.2, GAUGE) == DANGER
    assert water_status(2.0, None, GAUGE) == NORMAL


def test_water_hysteresis():
    assert water_status_with_hysteresis(4.45, 0.0, DANGER, GAUGE) == DANGER
    assert water_status_with_hysteresis(4.35, 0.0, DANGER, GAUGE) == WATCH
    assert water_status_with_hysteresis(3.45, 0.0, WATCH, GAUGE) == WATCH
    assert water_status_with_hysteresis(3.3, 0.0, WATCH, GAUGE) == NORMAL
