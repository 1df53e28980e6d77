"""Penalties and surcharges: Land and Building Tax s.68–70, Signboard Tax s.25."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.core.thai_dates import add_months, months_late
from muang.taxlaw.penalties import (
    PaymentStage,
    SignFilingStatus,
    land_building_arrears,
    land_building_penalty,
    payment_stage,
    signboard_filing_surcharge,
    signboard_late_payment_surcharge,
    signboard_understatement_surcharge,
    surcharge_as_of,
)
from muang.taxlaw.seed import default_land_building_penalty_rules, default_signboard_penalty_rules

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=200)
LB = default_land_building_penalty_rules()
SIGN = default_signboard_penalty_rules()

taxes = st.decimals(min_value=0, max_value=100_000_000, places=2)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31))
rates = st.decimals(min_value=0, max_value=5, places=1)


# --- counting months ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "as_of", "months"),
    [
        (dt.date(2025, 4, 30), dt.date(2025, 4, 30), 0),  # paid on the due date
        (dt.date(2025, 4, 30), dt.date(2025, 4, 1), 0),
        (dt.date(2025, 4, 30), dt.date(2025, 5, 1), 1),  # one day late: a whole month
        (dt.date(2025, 4, 30), dt.date(2025, 5, 30), 1),
        (dt.date(2025, 4, 30), dt.date(2025, 5, 31), 1),  # 1–31 May: one month (CCC s.193/3, s.193/5)
        (dt.date(2025, 4, 30), dt.date(2025, 6, 1), 2),
        (dt.date(2026, 2, 28), dt.date(2026, 3, 31), 1),  # 1–31 March, not "28 March + a part month"
        (dt.date(2026, 2, 28), dt.date(2026, 4, 1), 2),
        (
            dt.date(2025, 1, 30),
            dt.date(2025, 2, 28),
            1,
        ),  # from 31 Jan: February has no 31st, ends on the 28th
        (dt.date(2025, 1, 30), dt.date(2025, 3, 1), 2),
        (dt.date(2025, 3, 14), dt.date(2025, 4, 14), 1),  # 15 March – 14 April
        (dt.date(2025, 3, 14), dt.date(2025, 4, 15), 2),
        (dt.date(2023, 1, 31), dt.date(2023, 2, 28), 1),  # February has no 31st (CCC s.193/5)
        (dt.date(2023, 1, 31), dt.date(2023, 3, 1), 2),
        (dt.date(2023, 1, 31), dt.date(2023, 3, 31), 2),  # measured from 31 Jan, not from 28 Feb
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),  # leap year
        (dt.date(2025, 12, 15), dt.date(2026, 1, 15), 1),  # across the year end
        (dt.date(2025, 12, 15), dt.date(2026, 1, 16), 2),
        (dt.date(2025, 4, 30), dt.date(2027, 4, 30), 24),
    ],
)
def test_a_part_month_counts_as_a_whole_month(due, as_of, months):
    assert months_late(due, as_of) == months


@PURE
@given(due=dates, days=st.integers(min_value=1, max_value=2000))
def test_months_late_is_the_fewest_whole_months_from_the_day_after_the_due_date(due, days):
    as_of = due + dt.timedelta(days=days)
    months = months_late(due, as_of)
    start = due + dt.timedelta(days=1)

    # n months from `start` end the day before the same day-number n months on (or that month's last day)
    def end(n):
        following = add_months(start, n)
        return following - dt.timedelta(days=1) if following.day == start.day else following

    assert as_of <= end(months)
    assert months == 1 or as_of > end(months - 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 31), 2, dt.date(2025, 3, 31)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2025, 3, 15), 0, dt.date(2025, 3, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


# --- land and building surcharge (s.70) --------------------------------------------------------------------


def test_surcharge_is_one_percent_a_month_of_the_tax():
    # 10,000 baht due 30 April, paid 15 July: 3 months (May, June, part of July)
    assert surcharge_as_of(D(10_000), dt.date(2025, 4, 30), dt.date(2025, 7, 15), D(1)) == D("300.00")


def test_surcharge_is_capped_at_the_tax():
    due = dt.date(2020, 4, 30)

    assert surcharge_as_of(D(10_000), due, add_months(due, 100), D(1)) == D(10_000)
    assert surcharge_as_of(D(10_000), due, add_months(due, 150), D(1)) == D(10_000)
    assert surcharge_as_of(D(10_000), due, add_months(due, 99), D(1)) == D(9_900)


def test_surcharge_with_an_extension_is_half_a_percent():
    arrears = land_building_arrears(
        tax=D(10_000),
        due_date=dt.date(2025, 4, 30),
        paid_on=dt.date(2025, 6, 10),
        stage=PaymentStage.ON_TIME,
        rules=LB,
        within_extension=True,
    )

    assert (arrears.months_late, arrears.surcharge_rate_percent, arrears.surcharge) == (
        2,
        D("0.5"),
        D("100.00"),
    )


def test_surcharge_rounds_half_up_to_the_satang():
    # 0.5% of 1.01 for one month = 0.00505 → 0.01
    assert surcharge_as_of(D("1.01"), dt.date(2025, 4, 30), dt.date(2025, 5, 1), D("0.5")) == D("0.01")


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        surcharge_as_of(D(-1), dt.date(2025, 4, 30), dt.date(2025, 5, 1), D(1))
    with pytest.raises(ValueError):
        surcharge_as_of(D(1), dt.date(2025, 4, 30), dt.date(2025, 5, 1), D(-1))
    with pytest.raises(ValueError):
        land_building_penalty(D(-1), PaymentStage.AFTER_WARNING_DEADLINE, LB)


# --- land and building penalty (s.68–69) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "penalty"),
    [
        (PaymentStage.ON_TIME, "0.00"),
        (PaymentStage.BEFORE_WARNING, "1000.00"),
        (PaymentStage.WITHIN_WARNING_DEADLINE, "2000.00"),
        (PaymentStage.AFTER_WARNING_DEADLINE, "4000.00"),
    ],
)
def test_penalty_depends_on_when_the_late_tax_is_paid(stage, penalty):
    assert str(land_building_penalty(D(10_000), stage, LB)) == penalty


@pytest.mark.parametrize(
    ("paid_on", "received", "deadline", "stage"),
    [
        (dt.date(2025, 4, 30), None, None, PaymentStage.ON_TIME),
        (dt.date(2025, 5, 2), None, None, PaymentStage.BEFORE_WARNING),
        (dt.date(2025, 5, 9), dt.date(2025, 5, 10), dt.date(2025, 6, 9), PaymentStage.BEFORE_WARNING),
        (
            dt.date(2025, 5, 10),
            dt.date(2025, 5, 10),
            dt.date(2025, 6, 9),
            PaymentStage.WITHIN_WARNING_DEADLINE,
        ),
        (
            dt.date(2025, 6, 9),
            dt.date(2025, 5, 10),
            dt.date(2025, 6, 9),
            PaymentStage.WITHIN_WARNING_DEADLINE,
        ),
        (
            dt.date(2025, 6, 10),
            dt.date(2025, 5, 10),
            dt.date(2025, 6, 9),
            PaymentStage.AFTER_WARNING_DEADLINE,
        ),
    ],
)
def test_payment_stage(paid_on, received, deadline, stage):
    assert (
        payment_stage(
            due_date=dt.date(2025, 4, 30),
            paid_on=paid_on,
            warning_received_on=received,
            warning_deadline=deadline,
        )
        is stage
    )


def test_arrears_add_penalty_and_surcharge_but_no_surcharge_on_the_penalty():
    # 10,000 due 30 April, letter received 10 May with a 30-day deadline, paid 20 June
    arrears = land_building_arrears(
        tax=D(10_000),
        due_date=dt.date(2025, 4, 30),
        paid_on=dt.date(2025, 6, 20),
        stage=PaymentStage.AFTER_WARNING_DEADLINE,
        rules=LB,
    )

    assert (arrears.penalty, arrears.months_late, arrears.surcharge) == (D("4000.00"), 2, D("200.00"))
    assert arrears.total == D("14200.00")


# --- signboard (s.25) --------------------------------------------------------------------------------------


def test_signboard_late_payment_is_two_percent_a_month_without_cap():
    due = dt.date(2025, 4, 30)

    assert signboard_late_payment_surcharge(D(1_040), due, dt.date(2025, 5, 16), SIGN) == D("20.80")
    assert signboard_late_payment_surcharge(D(1_000), due, add_months(due, 60), SIGN) == D("1200.00")


@pytest.mark.parametrize(
    ("status", "surcharge"),
    [
        (SignFilingStatus.ON_TIME, "0.00"),
        (SignFilingStatus.FILED_LATE_BEFORE_NOTICE, "52.00"),
        (SignFilingStatus.NOT_FILED, "104.00"),
    ],
)
def test_signboard_filing_surcharge(status, surcharge):
    assert str(signboard_filing_surcharge(D(1_040), status, SIGN)) == surcharge


def test_signboard_understatement_surcharge():
    assert signboard_understatement_surcharge(D(520), SIGN) == D("52.00")
    with pytest.raises(ValueError):
        signboard_understatement_surcharge(D(-1), SIGN)


# --- properties --------------------------------------------------------------------------------------------


@PURE
@given(due=dates, as_of=dates)
def test_months_late_is_the_smallest_whole_number_of_months_covering_the_delay(due, as_of):
    months = months_late(due, as_of)

    if as_of <= due:
        assert months == 0
    else:
        assert add_months(due, months - 1) < as_of <= add_months(due, months)


@PURE
@given(tax=taxes, due=dates, as_of=dates, rate=rates)
def test_land_building_surcharge_never_exceeds_the_tax(tax, due, as_of, rate):
    surcharge = surcharge_as_of(tax, due, as_of, rate)
    uncapped = (tax * rate / 100 * months_late(due, as_of)).quantize(D("0.01"), rounding=ROUND_HALF_UP)

    assert 0 <= surcharge <= tax
    assert surcharge == min(uncapped, tax)  # simple interest on the tax alone: no compounding


@PURE
@given(tax=taxes, due=dates, a=dates, b=dates, rate=rates)
def test_surcharge_grows_with_time(tax, due, a, b, rate):
    early, late = sorted((a, b))

    assert surcharge_as_of(tax, due, early, rate) <= surcharge_as_of(tax, due, late, rate)


@PURE
@given(tax=taxes, stage=st.sampled_from(list(PaymentStage)))
def test_penalty_is_at_most_the_full_s68_percentage(tax, stage):
    assert (
        0
        <= land_building_penalty(tax, stage, LB)
        <= land_building_penalty(tax, PaymentStage.AFTER_WARNING_DEADLINE, LB)
    )
