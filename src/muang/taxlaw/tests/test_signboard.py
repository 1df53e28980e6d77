"""Signboard tax rules (Signboard Tax Act B.E. 2510, rates of B.E. 2563)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.taxlaw.seed import default_sign_rates
from muang.taxlaw.signboard import (
    SignRates,
    SignType,
    quarter_of,
    sign_area_cm2,
    sign_units,
    signboard_tax,
    signboard_tax_total,
)

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=200)
RATES = default_sign_rates(2025)

areas = st.one_of(
    st.integers(min_value=0, max_value=10_000_000).map(D),
    st.decimals(min_value=0, max_value=10_000_000, places=2),
)
sign_types = st.sampled_from(list(SignType))


def test_static_type_2_sign_200_by_100_cm_pays_1040():
    result = signboard_tax(
        area_cm2=sign_area_cm2(200, 100), sign_type=SignType.THAI_MIXED, moving=False, rates=RATES
    )

    assert (result.units, result.rate_per_unit, result.minimum_applied) == (40, D(26), False)
    assert str(result.tax) == "1040.00"


@pytest.mark.parametrize(
    ("sign_type", "moving", "rate"),
    [
        (SignType.THAI_ONLY, True, 10),
        (SignType.THAI_ONLY, False, 5),
        (SignType.THAI_MIXED, True, 52),
        (SignType.THAI_MIXED, False, 26),
        (SignType.NO_THAI_OR_THAI_BELOW, True, 52),
        (SignType.NO_THAI_OR_THAI_BELOW, False, 50),
    ],
)
def test_rate_table_of_2563(sign_type, moving, rate):
    assert RATES.rate(sign_type, moving=moving) == D(rate)


@pytest.mark.parametrize(
    ("area", "units"),
    [(0, 0), (250, 0), (251, 1), (500, 1), (750, 1), (751, 2), (1000, 2), ("750.5", 2), ("250.01", 1)],
)
def test_a_remainder_over_250_cm2_counts_as_a_unit(area, units):
    assert sign_units(D(area), RATES) == units


def test_small_signs_pay_the_200_baht_minimum():
    # 100 × 50 cm type 1 static: 10 units × 5 = 50 baht < 200
    result = signboard_tax(area_cm2=D(5_000), sign_type=SignType.THAI_ONLY, moving=False, rates=RATES)

    assert (result.by_area, result.minimum_applied, result.tax) == (D(50), True, D("200.00"))


@pytest.mark.parametrize(
    ("quarter", "expected"), [(1, "1040.00"), (2, "780.00"), (3, "520.00"), (4, "260.00")]
)
def test_first_year_is_prorated_by_quarter_of_installation(quarter, expected):
    result = signboard_tax(
        area_cm2=D(20_000),
        sign_type=SignType.THAI_MIXED,
        moving=False,
        rates=RATES,
        installed_quarter=quarter,
    )

    assert result.quarters == 5 - quarter
    assert str(result.tax) == expected


def test_minimum_applies_before_proration():
    # A small sign installed in October pays a quarter of the 200-baht annual minimum
    result = signboard_tax(
        area_cm2=D(600), sign_type=SignType.THAI_ONLY, moving=False, rates=RATES, installed_quarter=4
    )

    assert (result.annual_tax, result.tax) == (D(200), D("50.00"))


def test_the_minimum_is_per_sign():
    small = signboard_tax(area_cm2=D(600), sign_type=SignType.THAI_ONLY, moving=False, rates=RATES)

    assert signboard_tax_total([small, small, small]) == D("600.00")


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2025, 1, 1), 1),
        (dt.date(2025, 3, 31), 1),
        (dt.date(2025, 4, 1), 2),
        (dt.date(2025, 12, 31), 4),
    ],
)
def test_quarter_of(day, quarter):
    assert quarter_of(day) == quarter


@pytest.mark.parametrize("quarter", [0, 5])
def test_installed_quarter_must_be_1_to_4(quarter):
    with pytest.raises(ValueError):
        signboard_tax(
            area_cm2=D(1), sign_type=SignType.THAI_ONLY, moving=False, rates=RATES, installed_quarter=quarter
        )


def test_no_seeded_rates_before_2564():
    with pytest.raises(ValueError):
        default_sign_rates(2020)


@pytest.mark.parametrize(
    "change", [{"unit_area_cm2": 0}, {"remainder_counted_above_cm2": 500}, {"minimum_per_sign": D(-1)}]
)
def test_malformed_rates_are_refused(change):
    with pytest.raises(ValueError):
        dataclasses.replace(RATES, **change)


def test_negative_dimensions_are_refused():
    with pytest.raises(ValueError):
        sign_area_cm2(-1, 10)
    with pytest.raises(ValueError):
        sign_units(D(-1), RATES)


@PURE
@given(area=areas)
def test_units_rule(area):
    units = sign_units(area, RATES)
    remainder = area - (area // 500) * 500

    assert units == area // 500 + (1 if remainder > 250 else 0)
    assert abs(area - units * 500) <= 250  # the nearest whole unit, a tie of 250 rounding down
    assert isinstance(units, int)


@PURE
@given(a=areas, b=areas, sign_type=sign_types, moving=st.booleans())
def test_tax_grows_with_area_and_never_falls_below_the_minimum(a, b, sign_type, moving):
    small, large = sorted((a, b))
    tax_small = signboard_tax(area_cm2=small, sign_type=sign_type, moving=moving, rates=RATES).tax
    tax_large = signboard_tax(area_cm2=large, sign_type=sign_type, moving=moving, rates=RATES).tax

    assert RATES.minimum_per_sign <= tax_small <= tax_large


@PURE
@given(area=areas, sign_type=sign_types, moving=st.booleans(), quarter=st.integers(min_value=1, max_value=4))
def test_prorated_tax_is_the_quarters_share_of_the_annual_tax(area, sign_type, moving, quarter):
    full = signboard_tax(area_cm2=area, sign_type=sign_type, moving=moving, rates=RATES)
    first_year = signboard_tax(
        area_cm2=area, sign_type=sign_type, moving=moving, rates=RATES, installed_quarter=quarter
    )

    assert first_year.tax == full.annual_tax * (5 - quarter) / 4
    assert first_year.tax <= full.tax
    assert (quarter == 1) == (first_year.tax == full.tax)


def test_rates_are_data():
    doubled = SignRates(
        thai_only=RATES.thai_only,
        thai_mixed=dataclasses.replace(RATES.thai_mixed, static=D(52)),
        no_thai_or_thai_below=RATES.no_thai_or_thai_below,
        unit_area_cm2=500,
        remainder_counted_above_cm2=250,
        minimum_per_sign=D(200),
    )

    result = signboard_tax(area_cm2=D(20_000), sign_type=SignType.THAI_MIXED, moving=False, rates=doubled)
    assert result.tax == D("2080.00")
