"""Routing a report's point to the responsible local government."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from muang.core.errors import InvalidInput
from muang.core.jurisdiction import ReportOutsideArea, locate_organization
from muang.core.models import OrganizationKind
from muang.core.tests.factories import OrganizationFactory
from muang.core.validation import point_from

pytestmark = pytest.mark.django_db


def square(lon: float, lat: float, size: float) -> MultiPolygon:
    return MultiPolygon(
        Polygon(((lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat))),
        srid=4326,
    )


@pytest.fixture
def orgs(areas):
    pao = OrganizationFactory(
        kind=OrganizationKind.PAO,
        district_id=None,
        subdistrict_id=None,
        name_th="องค์การบริหารส่วนจังหวัดขอนแก่น",
        boundary=square(101.5, 16.0, 1.0),
    )
    town = OrganizationFactory(name_th="เทศบาลเมืองชุมแพ", boundary=square(102.05, 16.5, 0.1))
    far = OrganizationFactory(name_th="อบต.ไกล", kind=OrganizationKind.SAO, boundary=square(103.0, 17.0, 0.1))
    return pao, town, far


def test_the_smaller_local_government_wins_over_the_pao(orgs):
    pao, town, _ = orgs
    assert locate_organization(point_from(lat=16.55, lon=102.1)).organization == town
    assert locate_organization(point_from(lat=16.2, lon=101.7)).organization == pao


def test_outside_every_boundary_names_the_nearest(orgs):
    with pytest.raises(ReportOutsideArea) as e:
        locate_organization(point_from(lat=17.3, lon=103.05))
    assert e.value.nearest.name_th == "อบต.ไกล"
    assert 20 < e.value.distance_km < 30
    assert "อบต.ไกล" in e.value.detail and e.value.field_errors["location"]


@pytest.mark.parametrize(("lat", "lon"), [(95, 100), (48.85, 2.35), ("abc", 100)])
def test_bad_coordinates_are_refused_with_the_field(lat, lon):
    with pytest.raises(InvalidInput) as e:
        point_from(lat=lat, lon=lon)
    assert "location" in e.value.field_errors
