"""Rai-ngan-wah conversions and satang rounding helpers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.core.money import allocate_satang, round_satang
from muang.taxlaw.units import (
    RaiNganWah,
    from_square_metres,
    from_square_wah,
    square_metres_to_square_wah,
    to_square_metres,
    to_square_wah,
)

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=200)
square_wah = st.decimals(min_value=0, max_value=10_000_000, places=1)


@pytest.mark.parametrize(
    ("rai", "ngan", "wah", "sq_wah", "m2"),
    [
        (1, 0, 0, 400, 1600),
        (0, 1, 0, 100, 400),
        (0, 0, 1, 1, 4),
        (2, 1, D("35.5"), D("935.5"), D(3742)),
    ],
)
def test_deed_area_conversions(rai, ngan, wah, sq_wah, m2):
    assert to_square_wah(rai, ngan, wah) == D(sq_wah)
    assert to_square_metres(rai, ngan, wah) == D(m2)
    assert RaiNganWah(rai, ngan, D(wah)).square_metres == D(m2)


def test_normalises_to_deed_notation():
    assert from_square_wah(D("935.5")) == RaiNganWah(2, 1, D("35.5"))
    assert from_square_metres(D(1600)) == RaiNganWah(1, 0, D(0))
    assert str(RaiNganWah(2, 1, D("35.5"))) == "2-1-35.5"


@pytest.mark.parametrize(("rai", "ngan", "wah"), [(-1, 0, 0), (0, 4, 0), (0, 0, 100), (0, 0, -1)])
def test_out_of_range_deed_parts_are_refused(rai, ngan, wah):
    with pytest.raises(ValueError):
        RaiNganWah(rai, ngan, D(wah))


def test_negative_areas_are_refused():
    with pytest.raises(ValueError):
        to_square_wah(0, 0, -1)
    with pytest.raises(ValueError):
        from_square_wah(D(-1))


@PURE
@given(area=square_wah)
def test_round_trip_square_wah_and_square_metres(area):
    deed = from_square_wah(area)

    assert deed.square_wah == area
    assert square_metres_to_square_wah(deed.square_metres) == area
    assert from_square_metres(deed.square_metres) == deed


@pytest.mark.parametrize(("amount", "rounded"), [("0.005", "0.01"), ("0.015", "0.02"), ("0.0049", "0.00")])
def test_round_satang_is_half_up(amount, rounded):
    assert str(round_satang(D(amount))) == rounded


@pytest.mark.parametrize(
    ("total", "weights"), [("1.005", [1]), ("-1", [1]), ("1", []), ("1", [-1, 2]), ("1", [0, 0])]
)
def test_allocate_refuses_bad_input(total, weights):
    with pytest.raises(ValueError):
        allocate_satang(D(total), [D(w) for w in weights])


@PURE
@given(
    total=st.decimals(min_value=0, max_value=10_000_000, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=1_000_000, places=2), min_size=1, max_size=10).filter(
        any
    ),
)
def test_allocation_adds_up_and_is_fair_to_the_satang(total, weights):
    shares = allocate_satang(total, weights)
    weight_sum = sum(weights, D(0))

    assert sum(shares, D(0)) == total
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - total * weight / weight_sum) < D("0.01")
