"""Refusals at the edge: malformed DOPA codes, bad geometry, duplicate DLA codes, misplaced roles."""

import pytest
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.utils import translation

from muang.core.models import Membership, Organization, OrganizationKind, Role
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory, UserFactory
from muang.core.validation import check_point_in_thailand, clean_boundary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def org(**kwargs) -> Organization:
    defaults = dict(
        slug="x",
        kind=OrganizationKind.SAO,
        name_th="อบต.ทดสอบ",
        name_en="Test SAO",
        province_id="40",
        district_id="4005",
        subdistrict_id="400503",
    )
    return Organization(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"dla_code": "12345"}, "dla_code"),
        ({"dla_code": "12345ab"}, "dla_code"),
        ({"district_id": "1001"}, "district"),  # Bangkok's district in Khon Kaen
        ({"subdistrict_id": "100101"}, "subdistrict"),
        ({"kind": OrganizationKind.DISTRICT_OFFICE, "dla_code": "1234567"}, "dla_code"),
        ({"kind": OrganizationKind.DISTRICT_OFFICE, "district_id": None, "subdistrict_id": None}, "district"),
    ],
)
def test_malformed_codes_are_refused_with_the_field_named(areas, fields, field):
    with pytest.raises(ValidationError) as e:
        org(**fields).full_clean()
    assert field in e.value.message_dict


def test_duplicate_dla_code_names_the_holder(areas):
    first = OrganizationFactory(dla_code="6400503")
    with pytest.raises(ValidationError) as e:
        org(dla_code="6400503").full_clean()
    assert str(first) in e.value.message_dict["dla_code"][0]


def test_boundary_rules():
    square = Polygon(((102.0, 16.5), (102.1, 16.5), (102.1, 16.6), (102.0, 16.6), (102.0, 16.5)), srid=4326)
    assert clean_boundary(square).geom_type == "MultiPolygon"
    bowtie = GEOSGeometry("SRID=4326;POLYGON((102 16.5, 102.1 16.6, 102.1 16.5, 102 16.6, 102 16.5))")
    with pytest.raises(ValidationError, match="Self-intersection"):
        clean_boundary(bowtie)
    tokyo = Polygon(((139.6, 35.6), (139.8, 35.6), (139.8, 35.7), (139.6, 35.6)), srid=4326)
    with pytest.raises(ValidationError, match="outside Thailand"):
        clean_boundary(tokyo)
    utm = Polygon(((800000, 1830000), (801000, 1830000), (801000, 1831000), (800000, 1830000)), srid=32647)
    assert clean_boundary(utm).srid == 4326  # projected input is transformed, not rejected


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [(200, 16, "out of range"), (100.5, 95, "out of range"), (2.35, 48.85, "outside Thailand")],
)
def test_points(lon, lat, message):
    with pytest.raises(ValidationError, match=message):
        check_point_in_thailand(lon, lat)
    check_point_in_thailand(102.0988, 16.5447)


def test_membership_rules(areas):
    o = OrganizationFactory()
    foreign_dep = DepartmentFactory()
    with pytest.raises(ValidationError, match="department"):
        Membership(user=UserFactory(), organization=o, role=Role.OFFICER).full_clean()
    with pytest.raises(ValidationError, match="another organisation"):
        Membership(user=UserFactory(), organization=o, role=Role.OFFICER, department=foreign_dep).full_clean()
    with pytest.raises(ValidationError, match="district or province office"):
        Membership(user=UserFactory(), organization=o, role=Role.OVERSEER).full_clean()
