"""Thai 13-digit national ID and juristic tax ID checksums."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.core.thai_id import (
    format_thai_id,
    is_valid_juristic_tax_id,
    is_valid_national_id,
    is_valid_tax_id,
    national_id_check_digit,
    normalize_thai_id,
)

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=300)
twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def _weighted_sum(first12: str) -> int:
    return sum(int(d) * (13 - i) for i, d in enumerate(first12))


def test_check_digit_by_hand():
    # 1×13 + 1×12 + 0×11 + 1×10 + 7×9 + 0×8 + 0×7 + 2×6 + 0×5 + 7×4 + 0×3 + 3×2 = 144; 144 mod 11 = 1;
    # (11 − 1) mod 10 = 0
    assert national_id_check_digit("110170020703") == "0"
    assert is_valid_national_id("1101700207030")
    assert not is_valid_national_id("1101700207031")


def test_government_agency_tax_id_is_a_valid_juristic_id():
    # The biller of the published Thai QR bill-payment vector: 0994000165501 (+ suffix 00)
    assert is_valid_juristic_tax_id("0994000165501")
    assert is_valid_tax_id("0994000165501")


def test_an_individuals_id_is_a_tax_id_but_not_a_juristic_one():
    assert is_valid_tax_id("1101700207030")
    assert not is_valid_juristic_tax_id("1101700207030")


@pytest.mark.parametrize(
    "value", ["1-1017-00207-03-0", "1 1017 00207 03 0", "๑๑๐๑๗๐๐๒๐๗๐๓๐", " 1101700207030 "]
)
def test_formatted_and_thai_digit_input_is_accepted(value):
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    "value", ["", "110170020703", "11017002070300", "110170020703A", "1101700207.30", "¹101700207030"]
)
def test_malformed_input_is_invalid(value):
    assert not is_valid_national_id(value)


def test_format():
    assert format_thai_id("1234567890123") == "1-2345-67890-12-3"
    assert format_thai_id("1-2345-67890-12-3") == "1-2345-67890-12-3"
    with pytest.raises(ValueError):
        format_thai_id("123")


@pytest.mark.parametrize("value", ["12345678901", "1234567890123", "12345678901A"])
def test_check_digit_needs_twelve_ascii_digits(value):
    with pytest.raises(ValueError):
        national_id_check_digit(value)


def test_normalize():
    assert normalize_thai_id("๑-๒๓๔๕-๖๗๘๙๐-๑๒-๓") == "1234567890123"


@PURE
@given(first12=twelve_digits)
def test_twelve_digits_plus_their_check_digit_are_valid(first12):
    full = first12 + national_id_check_digit(first12)

    assert is_valid_national_id(full)
    assert is_valid_national_id(format_thai_id(full))
    assert normalize_thai_id(format_thai_id(full)) == full


@PURE
@given(first12=twelve_digits, wrong=st.sampled_from("0123456789"))
def test_any_other_last_digit_is_invalid(first12, wrong):
    if wrong != national_id_check_digit(first12):
        assert not is_valid_national_id(first12 + wrong)


@PURE
@given(
    first12=twelve_digits,
    position=st.integers(min_value=0, max_value=11),
    digit=st.sampled_from("0123456789"),
)
def test_a_single_digit_error_is_caught_except_in_the_blind_spots(first12, position, digit):
    # The third digit has weight 11 ≡ 0 (mod 11), so it is not protected at all; elsewhere a typo goes
    # unnoticed only when it moves the sum between residues 0 and 10, which both give check digit 1.
    typo = first12[:position] + digit + first12[position + 1 :]
    if typo == first12:
        return
    full = first12 + national_id_check_digit(first12)
    residues = {_weighted_sum(first12) % 11, _weighted_sum(typo) % 11}

    assert is_valid_national_id(typo + full[12]) == (position == 2 or residues == {0, 10})
