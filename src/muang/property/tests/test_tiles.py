"""Parcel vector tiles from PostGIS (ST_AsMVT)."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from muang.core.errors import InvalidInput
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.property.registry.tiles import MVT_CONTENT_TYPE, check_tile
from muang.property.tests.test_api_authorization_matrix import tile_of

pytestmark = pytest.mark.django_db


def test_tile_contains_the_parcels_of_the_organisation_only(client, areas):
    from muang.property.models import Parcel

    org, other = OrganizationFactory(), OrganizationFactory()
    square = MultiPolygon(
        Polygon(((102.1, 16.5), (102.1002, 16.5), (102.1002, 16.5002), (102.1, 16.5002), (102.1, 16.5))),
        srid=4326,
    )
    for o, code in ((org, "01A001"), (other, "01A002")):
        Parcel.objects.create(
            organization=o,
            code=code,
            geometry=square,
            use="residential",
            share_residential=100,
            area_rai=0,
            area_ngan=1,
            area_wah=0,
            area_square_wah=100,
            area_square_metres=400,
        )
    client.force_login(member(org, Role.OFFICER, duties=[Duty.TAX]))
    z, x, y = tile_of(102.1001, 16.5001, 16)
    response = client.get(f"/api/v1/organizations/{org.slug}/parcels/tiles/{z}/{x}/{y}.mvt")
    assert response.status_code == 200 and response["Content-Type"] == MVT_CONTENT_TYPE
    body = response.content
    assert b"parcels" in body and b"01A001" in body and b"01A002" not in body
    empty = client.get(f"/api/v1/organizations/{org.slug}/parcels/tiles/{z}/{x + 5}/{y}.mvt")
    assert empty.status_code == 200 and empty.content == b""


@pytest.mark.parametrize(("z", "x", "y"), [(-1, 0, 0), (23, 0, 0), (2, 4, 0), (2, 0, 4)])
def test_impossible_tiles_are_refused(z, x, y):
    with pytest.raises(InvalidInput):
        check_tile(z, x, y)


def test_the_tile_from_the_kept_mercator_shape_is_the_tile_transformed_on_the_fly(areas):
    """`map_shape` (kept by PostgreSQL) follows the geometry and the pin: the tile built from it is byte for
    byte the tile of the statement that transforms each parcel on the request."""
    from django.contrib.gis.geos import Point

    from muang.core import geo
    from muang.property.models import Parcel
    from muang.property.registry.tiles import PARCEL_TILE_SQL
    from muang.property.registry.tiles import PARCEL_TILE_TRANSFORMING_SQL as on_the_fly

    org = OrganizationFactory()
    common = {"organization": org, "use": "residential", "share_residential": 100, "area_ngan": 1}
    common |= {"area_square_wah": 100, "area_square_metres": 400}
    surveyed = Parcel.objects.create(
        code="01A001",
        geometry=MultiPolygon(
            Polygon(((102.1, 16.5), (102.1003, 16.5), (102.1003, 16.5002), (102.1, 16.5002), (102.1, 16.5))),
            srid=4326,
        ),
        **common,
    )
    Parcel.objects.create(code="01A002", location=Point(102.1005, 16.5001, srid=4326), **common)
    z, x, y = tile_of(102.1002, 16.5001, 16)

    def both() -> tuple[bytes, bytes]:
        params = {"org": org.pk}
        return (
            geo.vector_tile(PARCEL_TILE_SQL, params, z=z, x=x, y=y),
            geo.vector_tile(on_the_fly, params, z=z, x=x, y=y),
        )

    kept, transformed = both()
    assert b"01A001" in kept and b"01A002" in kept
    assert kept == transformed
    surveyed.geometry = MultiPolygon(
        Polygon(((102.1, 16.5), (102.1001, 16.5), (102.1001, 16.5001), (102.1, 16.5001), (102.1, 16.5))),
        srid=4326,
    )
    surveyed.save()
    kept_after, transformed_after = both()
    assert kept_after == transformed_after != kept  # the kept shape moved with the geometry
