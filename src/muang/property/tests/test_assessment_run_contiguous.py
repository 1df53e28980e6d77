"""s.42 para 2 through the registry: the run finds adjoining parcels of the same owners on the tax map and
assesses each piece of land as one parcel; the sheet explains it.

Geometry: squares of 0.0002° (about 22 m) placed by hand, sharing a whole side, only a corner, or nothing.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from muang.property.assessment.selectors import get_assessment_for
from muang.property.models import AssessmentRun, HouseRegistration
from muang.property.tests.factories import BuildingFactory, OwnerFactory
from muang.property.tests.test_assessment_run import (
    YEAR,
    own,
    parcel_of,
    price_parcel,
    run,
)

pytestmark = pytest.mark.django_db
SIDE = 0.0002


def at(org, col: float, row: float) -> MultiPolygon:
    """The square `col` sides east and `row` sides north of the organisation's centre."""
    c = org.boundary.centroid
    x, y = c.x + col * SIDE, c.y + row * SIDE
    return MultiPolygon(Polygon.from_bbox((x, y, x + SIDE, y + SIDE)), srid=4326)


def commercial(org, tax_year, col, row, *, baht=Decimal(30_000_000)):
    parcel = parcel_of(org, use="other", geometry=at(org, col, row))
    parcel.location = Point(parcel.geometry.centroid.x, parcel.geometry.centroid.y, srid=4326)
    parcel.save(update_fields=["location"])
    price_parcel(tax_year, parcel, baht / parcel.area_square_wah)  # 400 square wah
    return parcel


def sheet_of(admin, org, owner):
    return get_assessment_for(actor=admin, organization=org, year=YEAR, owner_id=owner.pk)


def test_two_adjoining_commercial_parcels_are_one_60m_plot(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    """THAI-RULES §1: commercial land worth 60M pays 190,000 — also when it is two 30M title deeds side by side
    (apart they would pay 2 × 90,000)."""
    owner = OwnerFactory(organization=org)
    west = commercial(org, tax_year, 0, 0)
    east = commercial(org, tax_year, 1, 0)  # shares the whole east side of `west`
    own(owner, parcel=west)
    own(owner, parcel=east)

    done = run(org, admin, django_capture_on_commit_callbacks)

    assert done.status == AssessmentRun.Status.DONE
    assessment = sheet_of(admin, org, owner)
    assert assessment.total_tax == Decimal("190000.00")
    sheet = assessment.sheet
    (piece,) = sheet["groups"]
    assert piece["parcels"] == [west.code, east.code]
    assert piece["label"] == f"{west.code} + {east.code}"
    assert Decimal(piece["value"]) == Decimal(60_000_000)
    (cls,) = piece["classes"]
    assert cls["class"] == "other"
    assert [Decimal(line[4]) for line in cls["lines"]] == [Decimal("150000.00"), Decimal("40000.00")]
    assert [(p["label"], Decimal(p["tax"])) for p in cls["parcels"]] == [
        (west.code, Decimal("95000.00")),
        (east.code, Decimal("95000.00")),
    ]
    # One line per property stays (a bill can list the deeds); their taxes add up to the total.
    assert [(p["label"], p["group"], p["classes"]) for p in sheet["properties"]] == [
        (west.code, piece["label"], []),
        (east.code, piece["label"], []),
    ]
    assert sum(Decimal(p["tax"]) for p in sheet["properties"]) == assessment.total_tax


def test_parcels_meeting_at_a_corner_or_apart_are_assessed_alone(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    owner = OwnerFactory(organization=org)
    first = commercial(org, tax_year, 0, 0)
    corner = commercial(org, tax_year, 1, 1)  # touches `first` at one point only
    apart = commercial(org, tax_year, 5, 0)
    for parcel in (first, corner, apart):
        own(owner, parcel=parcel)

    run(org, admin, django_capture_on_commit_callbacks)

    assessment = sheet_of(admin, org, owner)
    assert assessment.sheet["groups"] == []
    assert assessment.total_tax == Decimal("270000.00")  # 3 × 30M × 0.3%
    assert all("group" not in p for p in assessment.sheet["properties"])


def test_neighbours_held_by_different_owners_or_shares_are_not_one_plot(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    owner, partner, neighbour = (OwnerFactory(organization=org) for _ in range(3))
    mine = commercial(org, tax_year, 0, 0)
    shared = commercial(org, tax_year, 1, 0)  # adjoins `mine`, but held half with a partner
    theirs = commercial(org, tax_year, -1, 0)  # adjoins `mine`, another owner's
    own(owner, parcel=mine)
    own(owner, parcel=shared, num=1, den=2)
    own(partner, parcel=shared, num=1, den=2)
    own(neighbour, parcel=theirs)

    run(org, admin, django_capture_on_commit_callbacks)

    assert sheet_of(admin, org, owner).sheet["groups"] == []
    # 30M × 0.3% on his own parcel + 15M × 0.3% on his half
    assert sheet_of(admin, org, owner).total_tax == Decimal("135000.00")
    assert sheet_of(admin, org, neighbour).total_tax == Decimal("90000.00")


def test_co_owners_of_an_adjoining_pair_each_have_it_as_one_plot(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    a, b = OwnerFactory(organization=org), OwnerFactory(organization=org)
    west = commercial(org, tax_year, 0, 0, baht=Decimal(60_000_000))
    east = commercial(org, tax_year, 1, 0, baht=Decimal(60_000_000))
    for owner in (a, b):
        own(owner, parcel=west, num=1, den=2)
        own(owner, parcel=east, num=1, den=2)

    run(org, admin, django_capture_on_commit_callbacks)

    for owner in (a, b):  # each: his half of 120M = 60M as one plot
        assert sheet_of(admin, org, owner).total_tax == Decimal("190000.00")


def test_the_garden_next_to_the_home_is_part_of_the_home(
    org, admin, tax_year, django_capture_on_commit_callbacks
):
    """s.41 with s.42: the residential parcel next to the registered home is the home's land, and the
    50M exemption is taken once for the whole plot."""
    owner = OwnerFactory(organization=org)
    home = parcel_of(org, geometry=at(org, 0, 0))
    garden = parcel_of(org, geometry=at(org, 0, 1))  # north of the home, a whole side in common
    price_parcel(tax_year, home, Decimal(150_000))  # 60M
    price_parcel(tax_year, garden, Decimal(75_000))  # 30M
    house = BuildingFactory(parcel=home, floor_area_m2=Decimal(100), year_built=YEAR - 1)  # no price: 0
    own(owner, parcel=home)
    own(owner, parcel=garden)
    HouseRegistration.objects.create(
        organization=org, owner=owner, building=house, registered_on=dt.date(2015, 1, 1)
    )

    run(org, admin, django_capture_on_commit_callbacks)

    assessment = sheet_of(admin, org, owner)
    (piece,) = assessment.sheet["groups"]
    (cls,) = piece["classes"]
    assert cls["class"] == "residence_main_home"
    assert Decimal(cls["exemption"]) == Decimal(50_000_000)
    # 90M − 50M = 40M: 25M × 0.03% + 15M × 0.05%
    assert assessment.total_tax == Decimal("15000.00")
    assert [Decimal(p["tax"]) for p in assessment.sheet["properties"]] == [
        Decimal("10000.00"),
        Decimal("5000.00"),
    ]
