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
