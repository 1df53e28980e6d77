"""s.42 para 2: adjoining parcels of the same owner are taxed as one parcel. Worked examples, then properties."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muang.taxlaw.land_building import TaxClass, assess, assess_contiguous, contiguous_groups
from muang.taxlaw.seed import default_tax_year_rules

PURE = settings(derandomize=True, database=None, deadline=None, max_examples=150)
M = 1_000_000
RULES = default_tax_year_rules(2025)

values = st.lists(
    st.decimals(min_value=0, max_value=3_000 * M, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=6,
)
# Classes whose rates never fall as the base grows and that have no escalation to vary per parcel.
progressive_classes = st.sampled_from(
    [TaxClass.AGRICULTURAL, TaxClass.RESIDENCE_MAIN_HOME, TaxClass.RESIDENCE_OTHER, TaxClass.OTHER]
)


# --- worked examples ----------------------------------------------------------------------------------------


def test_two_adjoining_commercial_parcels_of_30m_are_one_60m_plot():
    # Given two adjoining commercial parcels of one owner, 30M each
    # When they are assessed as one piece of land
    piece = assess_contiguous([D(30 * M), D(30 * M)], TaxClass.OTHER, RULES)

    # Then the brackets run once over 60M: 50M × 0.3% + 10M × 0.4% = 190,000 (THAI-RULES §1),
    assert piece.assessment.value == D(60 * M)
    assert [(line.amount, line.tax) for line in piece.assessment.lines] == [
        (D(50 * M), D("150000.00")),
        (D(10 * M), D("40000.00")),
    ]
    assert piece.assessment.tax == D("190000.00")
    # not 2 × 30M × 0.3% = 180,000 as two separate parcels would pay
    assert 2 * assess(D(30 * M), TaxClass.OTHER, RULES).tax == D("180000.00")
    # and each deed's line on the notice carries half
    assert piece.parcel_taxes == (D("95000.00"), D("95000.00"))


def test_a_home_with_an_adjoining_garden_parcel_gets_one_50m_exemption():
    # The house stands on a 60M parcel; the garden next door (30M) is part of the same home.
    piece = assess_contiguous([D(60 * M), D(30 * M)], TaxClass.RESIDENCE_MAIN_HOME, RULES)

    # One exemption of 50M from 90M: 25M × 0.03% + 15M × 0.05% = 15,000
    assert piece.assessment.exemption == D(50 * M)
    assert piece.assessment.tax == D("15000.00")
    assert piece.parcel_taxes == (D("10000.00"), D("5000.00"))


def test_a_vacant_plot_escalates_as_its_most_recently_vacant_parcel():
    # One parcel vacant 7 years (+0.6 points), the other only 2 (no escalation yet)
    piece = assess_contiguous([D(10 * M), D(10 * M)], TaxClass.VACANT, RULES, vacant_years=[7, 2])

    assert piece.assessment.vacant_years == 2
    assert piece.assessment.additional_percent == 0
    assert piece.assessment.tax == D("60000.00")  # 20M × 0.3%


def test_pieces_are_chains_of_adjoining_parcels():
    # 1–2 and 2–3 adjoin (1 and 3 do not touch), 4 adjoins nothing, 5–6 adjoin
    groups = contiguous_groups([6, 5, 4, 3, 2, 1], [(3, 2), (1, 2), (5, 6)])

    assert groups == ((1, 2, 3), (4,), (5, 6))


@pytest.mark.parametrize(
    ("parcel_values", "kwargs"),
    [
        ([], {}),
        ([D(-1)], {}),
        ([D(1), D(2)], {"vacant_years": [1]}),
    ],
)
def test_bad_input_is_refused(parcel_values, kwargs):
    with pytest.raises(ValueError):
        assess_contiguous(parcel_values, TaxClass.VACANT, RULES, **kwargs)


def test_a_pair_outside_the_parcels_is_refused():
    with pytest.raises(ValueError, match="outside"):
        contiguous_groups([1, 2], [(1, 3)])


# --- properties ---------------------------------------------------------------------------------------------


@PURE
@given(value=values.map(lambda v: v[0]), tax_class=progressive_classes)
def test_a_piece_of_one_parcel_is_that_parcel(value, tax_class):
    piece = assess_contiguous([value], tax_class, RULES)
    assert piece.assessment == assess(value, tax_class, RULES)
    assert piece.parcel_taxes == (piece.assessment.tax,)


@PURE
@given(parcel_values=values, tax_class=progressive_classes)
def test_the_lines_on_the_notice_add_up_to_the_tax(parcel_values, tax_class):
    piece = assess_contiguous(parcel_values, tax_class, RULES)
    assert sum(piece.parcel_taxes, D(0)) == piece.assessment.tax
    assert all(t >= 0 for t in piece.parcel_taxes)


@PURE
@given(parcel_values=values, tax_class=progressive_classes)
def test_dividing_a_plot_into_deeds_never_lowers_its_tax(parcel_values, tax_class):
    """The point of s.42: rising rates and one exemption, so one piece pays at least what its parcels would
    pay apart (less at most half a satang of rounding per bracket line)."""
    piece = assess_contiguous(parcel_values, tax_class, RULES)
    apart = [assess(v, tax_class, RULES) for v in parcel_values]
    slack = D("0.01") * sum(len(a.lines) for a in apart)
    assert piece.assessment.tax + slack >= sum((a.tax for a in apart), D(0))


@PURE
@given(parcel_values=values, tax_class=progressive_classes, data=st.data())
def test_the_order_of_the_parcels_does_not_change_the_tax(parcel_values, tax_class, data):
    shuffled = data.draw(st.permutations(parcel_values))
    assert (
        assess_contiguous(shuffled, tax_class, RULES).assessment.tax
        == assess_contiguous(parcel_values, tax_class, RULES).assessment.tax
    )


def _components(parcels, pairs):
    """Reference: breadth-first search over the adjacency."""
    neighbours = {p: set() for p in parcels}
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen, groups = set(), set()
    for start in parcels:
        if start in seen:
            continue
        todo, group = [start], set()
        while todo:
            p = todo.pop()
            if p in group:
                continue
            group.add(p)
            todo.extend(neighbours[p] - group)
        seen |= group
        groups.add(frozenset(group))
    return groups


@st.composite
def graphs(draw):
    parcels = draw(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=25, unique=True))
    pairs = draw(st.lists(st.tuples(st.sampled_from(parcels), st.sampled_from(parcels)), max_size=40))
    return parcels, pairs


@PURE
@given(graph=graphs())
def test_pieces_are_exactly_the_connected_parcels(graph):
    parcels, pairs = graph
    groups = contiguous_groups(parcels, pairs)

    assert sorted(p for g in groups for p in g) == sorted(parcels)  # each parcel in exactly one piece
    assert {frozenset(g) for g in groups} == _components(parcels, pairs)
    assert contiguous_groups(list(reversed(parcels)), [(b, a) for a, b in pairs]) == groups
