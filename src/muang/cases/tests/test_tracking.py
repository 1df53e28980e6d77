"""Tracking codes: unique by organisation prefix, random after it, forgiving when typed."""

import re

import pytest

from muang.cases.tracking import (
    MAX_ORGANIZATION_ID,
    new_tracking_code,
    normalize_tracking_code,
    organization_id_of,
)

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.mark.parametrize("org_id", [1, 42, 1234, MAX_ORGANIZATION_ID])
def test_code_shape_and_organisation_prefix(org_id):
    code = new_tracking_code(org_id)
    assert CODE.match(code)
    assert organization_id_of(code) == org_id


def test_codes_are_not_sequential():
    codes = {new_tracking_code(7) for _ in range(2000)}
    assert len(codes) == 2000  # 40 random bits: no collisions at this size
    assert len({c[5:] for c in codes}) == 2000


def test_organization_id_out_of_range():
    with pytest.raises(ValueError):
        new_tracking_code(MAX_ORGANIZATION_ID + 1)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("01f4-7kx9-m2qd", "01F4-7KX9-M2QD"),
        ("01F47KX9M2QD", "01F4-7KX9-M2QD"),
        (" 01F4 7KX9 M2QD ", "01F4-7KX9-M2QD"),
        ("O1F4-7KX9-M2QD", "01F4-7KX9-M2QD"),  # the letter O read as zero
        ("01F4-7KX9-M2QI", "01F4-7KX9-M2Q1"),  # I and L read as one
        ("01F4-7KX9-M2QL", "01F4-7KX9-M2Q1"),
    ],
)
def test_normalize_forgives_what_people_type(typed, canonical):
    assert normalize_tracking_code(typed) == canonical


@pytest.mark.parametrize("typed", ["", "01F4-7KX9", "01F4-7KX9-M2QD-0000", "01F4-7KX9-M2QU", "1; drop table"])
def test_normalize_refuses_what_cannot_be_a_code(typed):
    assert normalize_tracking_code(typed) is None
