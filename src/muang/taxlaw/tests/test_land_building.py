"""Land and Building Tax rules: worked examples of the Act, then properties over many values."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.taxlaw.depreciation import Construction
from muang.taxlaw.land_building import (
    Bracket,
    RateSchedule,
    TaxClass,
    UseShare,
    assess,
    assess_individual_farmer,
    assess_mixed_use,
    building_value,
    condominium_value,
    consecutive_vacant_years,
    escalated_schedule,
    land_value,
    progressive_tax,
    vacant_additional_percent,
)
from muang.taxlaw.seed import default_depreciation_schedules, default_tax_year_rules

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=150)
M = 1_000_000
RULES = default_tax_year_rules(2025)

money = st.decimals(min_value=0, max_value=20_000 * M, places=2, allow_nan=False, allow_infinity=False)
whole_baht = st.integers(min_value=0, max_value=20_000 * M).map(D)
amounts = st.one_of(money, whole_baht)
tax_classes = st.sampled_from(list(TaxClass))
vacant_years = st.integers(min_value=0, max_value=60)


# --- worked examples (THAI-RULES §1) -----------------------------------------------------------------------


def test_main_home_worth_80m_pays_10000():
    # Given a main home (land + building) worth 80M, owner in the house registration
    result = assess(D(80 * M), TaxClass.RESIDENCE_MAIN_HOME, RULES)

    # Then 50M is exempt and 25M × 0.03% + 5M × 0.05% is due
    assert result.exemption == D(50 * M)
    assert result.base == D(30 * M)
    assert [(line.amount, line.rate_percent, line.tax) for line in result.lines] == [
        (D(25 * M), D("0.03"), D("7500.00")),
        (D(5 * M), D("0.05"), D("2500.00")),
    ]
    assert str(result.tax) == "10000.00"


def test_commercial_land_worth_60m_pays_190000():
    result = assess(D(60 * M), TaxClass.OTHER, RULES)

    assert [(line.lower, line.upper, line.amount, line.tax) for line in result.lines] == [
        (D(0), D(50 * M), D(50 * M), D("150000.00")),
        (D(50 * M), D(200 * M), D(10 * M), D("40000.00")),
    ]
    assert str(result.tax) == "190000.00"


@pytest.mark.parametrize(
    ("tax_class", "value", "expected"),
    [
        (TaxClass.RESIDENCE_MAIN_HOME, 50 * M, "0.00"),  # fully exempt (s.41)
        (TaxClass.RESIDENCE_MAIN_HOME, 120 * M, "40000.00"),  # 7,500 + 12,500 + 20M × 0.1%
        (TaxClass.RESIDENCE_BUILDING_ONLY, 10 * M, "0.00"),
        (TaxClass.RESIDENCE_BUILDING_ONLY, 20 * M, "2000.00"),  # 10M × 0.02%
        (TaxClass.RESIDENCE_BUILDING_ONLY, 110 * M, "38000.00"),  # 8,000 + 7,500 + 12,500 + 10M × 0.1%
        (TaxClass.RESIDENCE_OTHER, 80 * M, "20000.00"),  # 10,000 + 7,500 + 2,500
        (TaxClass.AGRICULTURAL, 80 * M, "9000.00"),  # 7,500 + 1,500, no exemption (juristic owner)
        (TaxClass.OTHER, 300 * M, "1250000.00"),  # 150,000 + 600,000 + 100M × 0.5%
        (TaxClass.VACANT, 60 * M, "190000.00"),  # years 1–3 as "other"
        (TaxClass.OTHER, D("1234567.89"), "3703.70"),  # 3,703.70367 rounds half-up to the satang
    ],
)
def test_statutory_brackets(tax_class, value, expected):
    assert str(assess(D(value), tax_class, RULES).tax) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("15", "0.05"), ("55", "0.17"), ("25", "0.08"), ("5", "0.02")]
)
def test_half_a_satang_rounds_up_not_to_even(value, expected):
    # 0.3% of 15 = 0.045 and of 55 = 0.165: half-up gives 0.05 and 0.17 where banker's rounding would not
    assert str(assess(D(value), TaxClass.OTHER, RULES).tax) == expected


# --- vacant land (s.43) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "additional"),
    [(0, "0"), (1, "0"), (3, "0"), (4, "0.3"), (6, "0.3"), (7, "0.6"), (9, "0.6"), (10, "0.9"), (13, "1.2")],
)
def test_vacant_escalation_steps_every_three_years_from_year_four(years, additional):
    assert vacant_additional_percent(years, RULES.vacant_escalation) == D(additional)


@pytest.mark.parametrize(
    ("tax_year", "vacant_since", "years", "additional"),
    [
        (2022, 2010, 3, "0"),  # vacant since 2010, but counted from 2020: no surcharge before 2023
        (2023, 2010, 4, "0.3"),  # the first additional rate
        (2026, 2010, 7, "0.6"),
        (2023, 2021, 3, "0"),
        (2024, 2021, 4, "0.3"),
        (2020, 2025, 0, "0"),  # not vacant yet
        (2025, None, 0, "0"),
    ],
)
def test_vacant_years_count_from_the_acts_first_tax_year(tax_year, vacant_since, years, additional):
    counted = consecutive_vacant_years(tax_year, vacant_since)
    assert counted == years
    assert vacant_additional_percent(counted, RULES.vacant_escalation) == D(additional)


def test_vacant_land_in_year_four_pays_0_3_points_more_on_every_bracket():
    result = assess(D(60 * M), TaxClass.VACANT, RULES, vacant_years=4)

    assert [line.rate_percent for line in result.lines] == [D("0.6"), D("0.7")]
    assert result.tax == D("370000.00")  # 50M × 0.6% + 10M × 0.7%


def test_vacant_rate_never_exceeds_three_percent():
    result = assess(D(10_000 * M), TaxClass.VACANT, RULES, vacant_years=40)  # +3.9 points before the cap

    assert {line.rate_percent for line in result.lines} == {D(3)}
    assert result.tax == D(300 * M)


def test_vacant_years_only_for_vacant_land():
    with pytest.raises(ValueError, match=r"s\.43"):
        assess(D(M), TaxClass.OTHER, RULES, vacant_years=4)


# --- s.55 reduction, s.96, seeds ---------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "expected"), [(2020, "19000.00"), (2021, "19000.00"), (2022, "190000.00")])
def test_s55_reduction_by_year(year, expected):
    assert str(assess(D(60 * M), TaxClass.OTHER, default_tax_year_rules(year)).tax) == expected


def test_s55_reduction_of_15_percent_in_2566():
    result = assess(D(60 * M), TaxClass.OTHER, default_tax_year_rules(2023))

    assert (result.gross_tax, result.reduction, result.tax) == (D("190000.00"), D("28500.00"), D("161500.00"))


def test_no_seed_before_the_act():
    with pytest.raises(ValueError, match="2020"):
        default_tax_year_rules(2019)


def test_buddhist_era_year_is_refused():
    with pytest.raises(ValueError, match=r"B\.E\."):
        dataclasses.replace(RULES, year=2568)


def test_rates_above_the_s37_ceiling_are_refused():
    too_high = dataclasses.replace(RULES.schedules, agricultural=RateSchedule.of((None, "0.2")))
    with pytest.raises(ValueError, match="ceiling"):
        dataclasses.replace(RULES, schedules=too_high)


def test_an_ordinance_may_raise_rates_up_to_the_ceiling():
    raised = dataclasses.replace(RULES.schedules, other=RateSchedule.of((None, "1.2")))
    rules = dataclasses.replace(RULES, schedules=raised)

    assert assess(D(M), TaxClass.OTHER, rules).tax == D("12000.00")


@pytest.mark.parametrize("reduction", ["-1", "91"])
def test_reduction_outside_the_s55_limit_is_refused(reduction):
    with pytest.raises(ValueError, match=r"s\.55"):
        dataclasses.replace(RULES, reduction_percent=D(reduction))


@pytest.mark.parametrize(
    "brackets",
    [
        (),
        (Bracket(D(10), D(1)),),  # not open-ended
        (Bracket(D(20), D(1)), Bracket(D(10), D(1)), Bracket(None, D(1))),  # not increasing
        (Bracket(None, D(-1)),),  # negative rate
    ],
)
def test_malformed_rate_schedules_are_refused(brackets):
    with pytest.raises(ValueError):
        RateSchedule(brackets=brackets)


def test_negative_value_is_refused():
    with pytest.raises(ValueError):
        assess(D(-1), TaxClass.OTHER, RULES)


# --- s.40 individual farmers -------------------------------------------------------------------------------


def test_farmer_exemption_is_taken_once_from_all_holdings():
    # Given two agricultural parcels of 30M each in the organisation
    result = assess_individual_farmer([D(30 * M), D(30 * M)], RULES)

    # Then one 50M exemption applies to the 60M total, and 10M × 0.01% is spread over the parcels
    assert result.assessment.exemption == D(50 * M)
    assert result.assessment.tax == D("1000.00")
    assert result.holding_taxes == (D("500.00"), D("500.00"))


def test_farmer_below_the_exemption_pays_nothing():
    result = assess_individual_farmer([D(10 * M), D(20 * M)], RULES)

    assert result.assessment.tax == 0
    assert result.holding_taxes == (D(0), D(0))


def test_farmers_paid_nothing_in_2563_to_2565_under_s96():
    result = assess_individual_farmer([D(900 * M)], default_tax_year_rules(2022))

    assert result.assessment.tax == 0
    assert assess_individual_farmer([D(900 * M)], default_tax_year_rules(2023)).assessment.tax > 0


def test_farmer_needs_holdings():
    with pytest.raises(ValueError):
        assess_individual_farmer([], RULES)


# --- mixed use (s.42) --------------------------------------------------------------------------------------


def test_shophouse_lived_in_upstairs_is_taxed_by_share_of_floor_area():
    # Given a 10M shophouse, 90 m² lived in by the registered owner, 60 m² a shop
    shares = [UseShare(TaxClass.RESIDENCE_MAIN_HOME, D(90)), UseShare(TaxClass.OTHER, D(60))]
    result = assess_mixed_use(D(10 * M), shares, RULES)

    # Then 6M is a main home (exempt) and 4M is taxed at 0.3%
    assert [part.value for part in result.parts] == [D("6000000.00"), D("4000000.00")]
    assert [part.tax for part in result.parts] == [D("0.00"), D("12000.00")]
    assert result.tax == D("12000.00")


def test_mixed_use_splits_uneven_thirds_to_the_satang():
    shares = [UseShare(c, D(1)) for c in (TaxClass.OTHER, TaxClass.RESIDENCE_OTHER, TaxClass.AGRICULTURAL)]
    result = assess_mixed_use(D(100), shares, RULES)

    assert [part.value for part in result.parts] == [D("33.34"), D("33.33"), D("33.33")]


def test_mixed_use_refuses_a_use_listed_twice():
    shares = [UseShare(TaxClass.OTHER, D(1)), UseShare(TaxClass.OTHER, D(2))]
    with pytest.raises(ValueError, match="once"):
        assess_mixed_use(D(M), shares, RULES)


# --- valuation (s.35) --------------------------------------------------------------------------------------


def test_land_value_is_price_per_square_wah_times_area():
    assert land_value(price_per_square_wah=D(25_000), area_square_wah=D("435.5")) == D(10_887_500)


def test_condominium_value_is_price_per_square_metre_times_area():
    assert condominium_value(price_per_square_metre=D(60_000), area_square_metres=D("35.5")) == D(2_130_000)


def test_building_value_deducts_depreciation_by_age():
    masonry = default_depreciation_schedules()[Construction.MASONRY]
    result = building_value(
        price_per_square_metre=D(8_000), floor_area_square_metres=D(150), age=12, schedule=masonry
    )

    assert result.replacement_value == D(1_200_000)
    assert result.depreciation_percent == D(14)  # 10 × 1% + 2 × 2%
    assert result.depreciation == D(168_000)
    assert result.value == D(1_032_000)


# --- properties --------------------------------------------------------------------------------------------


@PURE
@given(value=amounts, tax_class=tax_classes, years=vacant_years)
def test_lines_add_up_to_the_base_and_the_gross_tax(value, tax_class, years):
    result = assess(value, tax_class, RULES, vacant_years=years if tax_class is TaxClass.VACANT else 0)

    assert sum((line.amount for line in result.lines), D(0)) == result.base
    assert sum((line.tax for line in result.lines), D(0)) == result.gross_tax
    assert result.value == result.exemption + result.base
    assert result.tax == result.gross_tax - result.reduction


@PURE
@given(value=amounts, tax_class=tax_classes, year=st.integers(min_value=2020, max_value=2030))
def test_tax_is_never_negative_and_never_above_the_top_rate(value, tax_class, year):
    rules = default_tax_year_rules(year)
    result = assess(value, tax_class, rules)

    assert result.tax >= 0
    top_rate = rules.schedules.for_class(tax_class).max_rate_percent
    assert result.gross_tax <= result.base * top_rate / 100 + D("0.005") * len(result.lines)


@PURE
@given(a=amounts, b=amounts, tax_class=tax_classes)
def test_tax_grows_with_value(a, b, tax_class):
    low, high = sorted((a, b))
    assert assess(low, tax_class, RULES).tax <= assess(high, tax_class, RULES).tax


@PURE
@given(value=amounts, tax_class=tax_classes)
def test_rounding_per_line_equals_rounding_the_exact_total(value, tax_class):
    # With the statutory brackets only the top line has a fraction of a satang (module docstring).
    result = assess(value, tax_class, RULES)
    schedule = RULES.schedules.for_class(tax_class)
    exact = sum((line.amount * line.rate_percent / 100 for line in result.lines), D(0))

    assert result.gross_tax == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert len(result.lines) <= len(schedule.brackets)


@PURE
@given(value=whole_baht, years=vacant_years)
def test_vacant_rates_rise_with_years_but_never_past_the_cap(value, years):
    result = assess(value, TaxClass.VACANT, RULES, vacant_years=years)
    one_more = assess(value, TaxClass.VACANT, RULES, vacant_years=years + 1)

    assert all(line.rate_percent <= RULES.vacant_escalation.cap_percent for line in result.lines)
    assert result.tax <= one_more.tax
    assert result.tax >= assess(value, TaxClass.OTHER, RULES).tax


@PURE
@given(
    add=st.decimals(min_value=0, max_value=10, places=1), cap=st.decimals(min_value=0, max_value=5, places=1)
)
def test_escalated_schedule_keeps_brackets_and_caps_each_rate(add, cap):
    base = RULES.schedules.vacant
    escalated = escalated_schedule(base, add, cap)

    assert [b.upper for b in escalated.brackets] == [b.upper for b in base.brackets]
    assert all(
        e.rate_percent == min(b.rate_percent + add, cap)
        for e, b in zip(escalated.brackets, base.brackets, strict=True)
    )


@PURE
@given(value=amounts, tax_class=tax_classes, reduction=st.integers(min_value=0, max_value=90))
def test_a_reduction_never_raises_the_tax(value, tax_class, reduction):
    reduced = dataclasses.replace(RULES, reduction_percent=D(reduction))

    assert 0 <= assess(value, tax_class, reduced).tax <= assess(value, tax_class, RULES).tax


@PURE
@given(holdings=st.lists(money, min_size=1, max_size=8), year=st.integers(min_value=2020, max_value=2030))
def test_farmer_tax_ignores_how_the_land_is_split(holdings, year):
    rules = default_tax_year_rules(year)
    result = assess_individual_farmer(holdings, rules)

    merged = assess_individual_farmer([sum(holdings, D(0))], rules)
    reordered = assess_individual_farmer(list(reversed(holdings)), rules)
    assert result.assessment.tax == merged.assessment.tax == reordered.assessment.tax
    assert sum(result.holding_taxes, D(0)) == result.assessment.tax
    assert all(t >= 0 for t in result.holding_taxes)


@PURE
@given(value=money, tax_class=tax_classes)
def test_a_single_use_share_is_the_same_as_a_plain_assessment(value, tax_class):
    mixed = assess_mixed_use(value, [UseShare(tax_class, D(1))], RULES)

    assert mixed.tax == assess(value, tax_class, RULES).tax


@PURE
@given(
    value=money,
    areas=st.lists(st.decimals(min_value="0.01", max_value=10_000, places=2), min_size=1, max_size=6),
)
def test_mixed_use_parts_add_up_to_the_value(value, areas):
    classes = list(TaxClass)[: len(areas)]
    result = assess_mixed_use(value, [UseShare(c, a) for c, a in zip(classes, areas, strict=True)], RULES)

    assert sum((part.value for part in result.parts), D(0)) == value
    assert result.tax == sum((part.tax for part in result.parts), D(0))


@PURE
@given(base=whole_baht)
def test_progressive_tax_of_a_flat_schedule_is_proportional(base):
    lines = progressive_tax(base, RateSchedule.of((None, "0.5")))

    assert sum((line.tax for line in lines), D(0)) == (base * D("0.005")).quantize(D("0.01"), ROUND_HALF_UP)
