"""The demo tax map: built once, inside each organisation, with valid IDs and shares, then assessed."""

import random
from collections import defaultdict
from fractions import Fraction

import pytest

from muang.core.demo import load_demo
from muang.core.models import Organization
from muang.core.thai_id import is_valid_juristic_tax_id, is_valid_national_id
from muang.property.demo import SEED, _layout, load_demo_property
from muang.property.models import (
    PARCEL_CODE_PATTERN,
    AssessmentRun,
    Building,
    CondoUnit,
    HouseRegistration,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    Signboard,
    TaxYear,
)
from muang.property.registry.selectors import ownerships_on

pytestmark = pytest.mark.django_db
YEAR = 2026
SLUGS = ("chumphae", "nonsaat")


@pytest.fixture
def demo(areas):
    load_demo()
    created = load_demo_property(120, year=YEAR, slugs=SLUGS)
    return created, {o.slug: o for o in Organization.objects.filter(slug__in=SLUGS)}


def test_every_organisation_gets_its_tax_map(demo):
    created, orgs = demo
    assert created == 240
    for org in orgs.values():
        parcels = Parcel.objects.filter(organization=org)
        assert parcels.count() == 120
        assert all(
            __import__("re").fullmatch(PARCEL_CODE_PATTERN, c) for c in parcels.values_list("code", flat=True)
        )
        uses = set(parcels.values_list("use", flat=True))
        assert {"residential", "other", "agricultural", "vacant"} <= uses
        surveys = set(parcels.values_list("survey_status", flat=True))
        assert {Parcel.SurveyStatus.NOT_SURVEYED, Parcel.SurveyStatus.SURVEYED} <= surveys
        assert Building.objects.filter(organization=org).count() > 40
        assert Signboard.objects.filter(organization=org).exists()
        assert HouseRegistration.objects.filter(organization=org).exists()
        tax_year = TaxYear.objects.get(organization=org, year=YEAR)
        assert tax_year.status == TaxYear.Status.PUBLISHED
        assert LandPrice.objects.filter(tax_year=tax_year, key__regex=r"^[0-9]{2}$").exists()
        assert set(tax_year.building_prices.values_list("type_code", flat=True)) >= set(
            Building.objects.filter(organization=org).values_list("type_code", flat=True)
        )
    assert CondoUnit.objects.filter(organization=orgs["chumphae"]).count() == 30
    assert not CondoUnit.objects.filter(organization=orgs["nonsaat"]).exists()


def test_geometries_are_valid_and_inside_the_boundary(demo):
    _created, orgs = demo
    for org in orgs.values():
        surveyed = Parcel.objects.filter(organization=org, geometry__isnull=False)
        assert surveyed.exists()
        assert not surveyed.filter(geometry__isvalid=False).exists()
        assert not surveyed.exclude(geometry__coveredby=org.boundary).exists()
        pins = Parcel.objects.filter(organization=org, geometry__isnull=True)
        assert pins.exists() and not pins.filter(location__isnull=True).exists()
        assert not pins.exclude(location__coveredby=org.boundary).exists()
        # Tiled, not stacked: no two parcels overlap by more than a sliver.
        shapes = list(surveyed.values_list("geometry", flat=True))
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert a.intersection(b).area < 1e-10
        footprints = Building.objects.filter(organization=org, footprint__isnull=False)
        assert footprints.exists() and not footprints.exclude(footprint__coveredby=org.boundary).exists()


def test_owners_have_valid_ids_and_shares_add_up_on_1_january(demo):
    _created, orgs = demo
    for org in orgs.values():
        owners = Owner.objects.filter(organization=org)
        assert owners.filter(kind=Owner.Kind.JURISTIC).exists()
        for owner in owners:
            if owner.kind == Owner.Kind.INDIVIDUAL:
                assert is_valid_national_id(owner.national_id), owner.national_id
            else:
                assert is_valid_juristic_tax_id(owner.tax_id), owner.tax_id
        totals: dict[tuple, Fraction] = defaultdict(Fraction)
        for o in ownerships_on(organization=org, day=__import__("datetime").date(YEAR, 1, 1)):
            totals[(o.parcel_id, o.building_id, o.condo_unit_id)] += Fraction(
                o.share_numerator, o.share_denominator
            )
        assert totals and set(totals.values()) == {1}
        parcels = set(Parcel.objects.filter(organization=org).values_list("pk", flat=True))
        assert {k[0] for k in totals if k[0]} == parcels  # every parcel has its taxpayer
        assert (
            Ownership.objects.filter(organization=org, valid_to__year=YEAR).count()
            == Ownership.objects.filter(organization=org, valid_from__year=YEAR, parcel__isnull=False).count()
        )


def test_the_year_is_assessed_with_tax(demo):
    _created, orgs = demo
    for org in orgs.values():
        run = AssessmentRun.objects.get(organization=org, year=YEAR)
        assert run.status == AssessmentRun.Status.DONE
        assert run.assessments_count > 50
        assert run.total_tax > 0
        assert run.assessments.filter(total_tax=0).exists()  # main homes under 50M owe nothing


def test_loading_again_changes_nothing(demo):
    counts = (
        Parcel.objects.count(),
        Owner.objects.count(),
        Ownership.objects.count(),
        AssessmentRun.objects.count(),
    )
    assert load_demo_property(120, year=YEAR, slugs=SLUGS) == 0
    assert (
        Parcel.objects.count(),
        Owner.objects.count(),
        Ownership.objects.count(),
        AssessmentRun.objects.count(),
    ) == counts


def test_the_map_is_the_same_every_time(demo):
    _created, orgs = demo
    org = orgs["nonsaat"]
    first = _layout(org, 300, random.Random(SEED))
    second = _layout(org, 300, random.Random(SEED))
    assert [(lot.code, lot.shape.wkt) for lot in first[1]] == [(lot.code, lot.shape.wkt) for lot in second[1]]
    assert len(first[1]) == 300
