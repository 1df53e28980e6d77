"""Treasury building depreciation schedules."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.taxlaw.depreciation import (
    Construction,
    DepreciationBand,
    DepreciationSchedule,
    building_age,
    depreciation_amount,
    depreciation_percent,
)
from muang.taxlaw.seed import default_depreciation_schedules

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=150)
SCHEDULES = default_depreciation_schedules()


@pytest.mark.parametrize(
    ("construction", "age", "percent"),
    [
        # masonry: 1%/yr to year 10, then 2%/yr, cap 76% (reached at 43)
        (Construction.MASONRY, 0, 0),
        (Construction.MASONRY, 1, 1),
        (Construction.MASONRY, 10, 10),
        (Construction.MASONRY, 11, 12),
        (Construction.MASONRY, 42, 74),
        (Construction.MASONRY, 43, 76),
        (Construction.MASONRY, 44, 76),
        (Construction.MASONRY, 100, 76),
        # half masonry half wood: 2%/yr to 5, 4%/yr to 15, then 5%/yr, cap 85% (reached at 22)
        (Construction.HALF_MASONRY, 5, 10),
        (Construction.HALF_MASONRY, 6, 14),
        (Construction.HALF_MASONRY, 15, 50),
        (Construction.HALF_MASONRY, 16, 55),
        (Construction.HALF_MASONRY, 21, 80),
        (Construction.HALF_MASONRY, 22, 85),
        (Construction.HALF_MASONRY, 23, 85),
        # wood: 3%/yr to 5, 5%/yr to 15, then 7%/yr, cap 93% (reached at 19)
        (Construction.WOOD, 5, 15),
        (Construction.WOOD, 6, 20),
        (Construction.WOOD, 15, 65),
        (Construction.WOOD, 16, 72),
        (Construction.WOOD, 18, 86),
        (Construction.WOOD, 19, 93),
        (Construction.WOOD, 20, 93),
    ],
)
def test_treasury_schedule(construction, age, percent):
    assert depreciation_percent(age, SCHEDULES[construction]) == D(percent)


def test_depreciation_amount():
    assert depreciation_amount(D(1_000_000), 12, SCHEDULES[Construction.MASONRY]) == D(140_000)


def test_building_age_counts_whole_years_since_completion():
    assert building_age(2024, 2023) == 1
    assert building_age(2024, 2024) == 0
    with pytest.raises(ValueError):
        building_age(2024, 2025)


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        depreciation_percent(-1, SCHEDULES[Construction.WOOD])
    with pytest.raises(ValueError):
        depreciation_amount(D(-1), 1, SCHEDULES[Construction.WOOD])


@pytest.mark.parametrize(
    ("bands", "cap"),
    [
        ((), "10"),
        ((DepreciationBand(5, D(1)),), "10"),  # not open-ended
        ((DepreciationBand(5, D(1)), DepreciationBand(5, D(2)), DepreciationBand(None, D(3))), "10"),
        ((DepreciationBand(None, D(-1)),), "10"),
        ((DepreciationBand(None, D(1)),), "101"),
    ],
)
def test_malformed_schedules_are_refused(bands, cap):
    with pytest.raises(ValueError):
        DepreciationSchedule(bands=bands, cap_percent=D(cap))


@PURE
@given(construction=st.sampled_from(list(Construction)), age=st.integers(min_value=0, max_value=200))
def test_depreciation_grows_by_at_most_one_annual_rate_and_stays_under_the_cap(construction, age):
    schedule = SCHEDULES[construction]
    now, next_year = depreciation_percent(age, schedule), depreciation_percent(age + 1, schedule)
    top_rate = max(b.percent_per_year for b in schedule.bands)

    assert 0 <= now <= next_year <= schedule.cap_percent
    assert next_year - now <= top_rate
