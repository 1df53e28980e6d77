"""What a bill asks for on a day: instalment split, penalties and surcharges, allocation (pure)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.billing.dues import (
    ChargeContext,
    InstalmentState,
    allocate,
    amount_due,
    charges_on,
    split_instalments,
)

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=300)
LB = ChargeContext(kind="land_building_tax")
SIGN = ChargeContext(kind="signboard_tax")
WASTE = ChargeContext(kind="waste_fee")
DUE = dt.date(2026, 4, 30)


def one(amount: str, due=DUE, paid: str = "0") -> list[InstalmentState]:
    return [InstalmentState(1, D(amount), due, D(paid))]


def three(total: str) -> list[InstalmentState]:
    parts = split_instalments(D(total))
    dues = (dt.date(2026, 4, 30), dt.date(2026, 5, 30), dt.date(2026, 6, 30))
    return [InstalmentState(i + 1, a, d) for i, (a, d) in enumerate(zip(parts, dues, strict=True))]


# --- instalments ------------------------------------------------------------------------------------------------


def test_remainder_satang_go_to_the_first_instalment():
    assert split_instalments(D("10000.00")) == (D("3333.34"), D("3333.33"), D("3333.33"))
    assert split_instalments(D("3000.02")) == (D("1000.02"), D("1000.00"), D("1000.00"))
    assert split_instalments(D("3000.00")) == (D("1000.00"),) * 3


@PURE
@given(st.decimals(min_value="3000.00", max_value="99999999.99", places=2))
def test_instalments_add_up_to_the_satang(total):
    parts = split_instalments(total)
    assert sum(parts) == total
    assert parts[1] == parts[2] and 0 <= parts[0] - parts[1] <= D("0.02")
    assert all(p == p.quantize(D("0.01")) for p in parts)


def test_split_refuses_fractions_of_a_satang():
    with pytest.raises(ValueError):
        split_instalments(D("3000.001"))


# --- charges (THAI-RULES §1, §2) ---------------------------------------------------------------------------------


def test_on_time_nothing_is_added():
    assert charges_on(D(1000), DUE, DUE, LB).total == 0


def test_land_building_late_before_warning_10_percent_and_1_percent_a_month():
    c = charges_on(D(1000), DUE, dt.date(2026, 5, 1), LB)
    assert (c.penalty, c.surcharge, c.months_late) == (D("100.00"), D("10.00"), 1)
    c = charges_on(D(1000), DUE, dt.date(2026, 5, 31), LB)  # 1–31 May: one month (CCC s.193/3, s.193/5)
    assert (c.penalty, c.surcharge, c.months_late) == (D("100.00"), D("10.00"), 1)
    c = charges_on(D(1000), DUE, dt.date(2026, 6, 1), LB)
    assert (c.penalty, c.surcharge, c.months_late) == (D("100.00"), D("20.00"), 2)


def test_land_building_penalty_after_warning_letter():
    ctx = ChargeContext("land_building_tax", dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert charges_on(D(1000), DUE, dt.date(2026, 6, 15), ctx).penalty == D("200.00")  # within deadline
    assert charges_on(D(1000), DUE, dt.date(2026, 7, 1), ctx).penalty == D("400.00")  # after it


def test_land_building_surcharge_is_capped_at_the_tax():
    c = charges_on(D(1000), DUE, dt.date(2036, 4, 30), LB)
    assert c.surcharge == D("1000.00")


def test_extension_halves_the_surcharge_and_drops_the_penalty():
    ctx = ChargeContext("land_building_tax", extension_until=dt.date(2026, 7, 31))
    c = charges_on(D(1000), DUE, dt.date(2026, 6, 15), ctx)
    assert (c.penalty, c.surcharge) == (D(0), D("10.00"))


def test_signboard_two_percent_a_month_uncapped():
    c = charges_on(D(1000), DUE, dt.date(2026, 7, 15), SIGN)
    assert (c.penalty, c.surcharge, c.months_late) == (D(0), D("60.00"), 3)
    assert charges_on(D(1000), DUE, dt.date(2031, 4, 30), SIGN).surcharge == D("1200.00")


def test_fees_bear_no_charges():
    assert charges_on(D(1000), DUE, dt.date(2027, 1, 1), WASTE).total == 0


# --- amount due --------------------------------------------------------------------------------------------------


def test_while_the_instalment_right_holds_each_next_instalment_is_an_exact_amount():
    due = amount_due(three("10000.00"), dt.date(2026, 4, 1), LB)
    assert due.exact_amounts == (D("3333.34"), D("6666.67"), D("10000.00"))
    assert due.payable_now == D("3333.34") and not due.instalment_right_ended


def test_missing_an_instalment_ends_the_right_and_charges_only_that_instalment():
    due = amount_due(three("10000.00"), dt.date(2026, 5, 5), LB)
    assert due.instalment_right_ended
    first = due.instalments[0]
    assert (first.penalty, first.surcharge) == (D("333.33"), D("33.33"))
    assert all(i.penalty == i.surcharge == 0 for i in due.instalments[1:])
    assert due.exact_amounts == (D("10366.66"),)  # the whole balance, at once


def test_paid_instalments_are_not_due():
    states = three("9000.00")
    states[0] = InstalmentState(1, states[0].amount, states[0].due_date, states[0].amount)
    due = amount_due(states, dt.date(2026, 5, 1), LB)
    assert [i.seq for i in due.instalments] == [2, 3] and due.total == D("6000.00")


# --- allocation ------------------------------------------------------------------------------------------------


def test_allocation_fills_instalments_in_order():
    alloc = allocate(D("4000.00"), three("9000.00"), dt.date(2026, 4, 1), LB)
    assert [(p.seq, p.principal) for p in alloc.parts] == [(1, D("3000.00")), (2, D("1000.00"))]
    assert alloc.unallocated == 0


def test_a_late_partial_payment_settles_charges_with_the_principal_they_were_charged_on():
    # 1000 due 30 April, paid 15 June: 10% penalty + 2 × 1% surcharge = 12% on whatever principal is paid.
    alloc = allocate(D("560.00"), one("1000.00"), dt.date(2026, 6, 15), LB)
    (part,) = alloc.parts
    assert part.principal == D("500.00") and part.penalty == D("50.00") and part.surcharge == D("10.00")


@PURE
@given(
    st.decimals(min_value="0.01", max_value="20000.00", places=2),
    st.integers(min_value=-30, max_value=800),
)
def test_allocation_always_adds_up_and_never_exceeds_what_is_due(amount, days):
    states = three("15000.00")
    as_of = dt.date(2026, 4, 30) + dt.timedelta(days=days)
    due = amount_due(states, as_of, LB)
    alloc = allocate(amount, states, as_of, LB)
    assert alloc.principal + alloc.penalty + alloc.surcharge + alloc.unallocated == amount
    if amount <= due.total:
        assert alloc.unallocated == 0
        assert alloc.principal <= due.principal and alloc.penalty <= due.penalty + D("0.02")
    else:
        assert alloc.unallocated == amount - due.total
