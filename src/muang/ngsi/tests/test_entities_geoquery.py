"""Geo-queries: near (max and min distance in metres), within, intersects, contains, disjoint; bad input."""

from urllib.parse import quote

import pytest

from muang.ngsi.tests.conftest import ids, problem

pytestmark = pytest.mark.django_db
E = "/ngsi-ld/v1/entities?type=Device"
A1, A2, G1 = (f"urn:ngsi-ld:Device:{s}" for s in ("AQ-001", "AQ-002", "GA-001"))
AROUND_G1 = "[[[102.11,16.55],[102.13,16.55],[102.13,16.57],[102.11,16.57],[102.11,16.55]]]"


def geo(town, georel, geometry, coordinates, extra=""):
    return town.get(f"{E}&georel={quote(georel)}&geometry={geometry}&coordinates={quote(coordinates)}{extra}")


def test_near_with_a_max_distance_in_metres(town):
    # AQ-002 is ~320 m east of the centre; the other organisation's AQ-001 at the very centre never appears.
    assert ids(geo(town, "near;maxDistance==500", "Point", "[102.1,16.54]")) == [A1, A2]
    assert ids(geo(town, "near;maxDistance==300", "Point", "[102.1,16.54]")) == [A1]
    assert ids(geo(town, "near;maxDistance==5000", "Point", "[102.1,16.54]")) == [A1, A2, G1]


def test_near_with_a_min_distance(town):
    assert ids(geo(town, "near;minDistance==1000", "Point", "[102.1,16.54]")) == [G1]


def test_within_intersects_contains_disjoint(town):
    assert ids(geo(town, "within", "Polygon", AROUND_G1)) == [G1]
    assert ids(geo(town, "intersects", "Point", "[102.103,16.54]")) == [A2]
    assert ids(geo(town, "contains", "Point", "[102.12,16.56]")) == [G1]
    assert ids(geo(town, "disjoint", "Polygon", AROUND_G1)) == [A1, A2]
    line = "[[102.09,16.54],[102.101,16.54]]"
    assert ids(geo(town, "intersects", "LineString", line)) == [A1]
    assert ids(geo(town, "within", "Polygon", AROUND_G1, "&geoproperty=location")) == [G1]
    assert ids(geo(town, "within", "Polygon", AROUND_G1, "&geoproperty=name")) == []  # not a GeoProperty


def test_a_geo_query_alone_is_a_query(town):
    url = "/ngsi-ld/v1/entities?georel=near%3BmaxDistance%3D%3D100&geometry=Point&coordinates=[102.1,16.54]"
    assert ids(town.get(url)) == [A1]


@pytest.mark.parametrize(
    ("georel", "geometry", "coordinates", "says"),
    [
        ("near", "Point", "[102.1,16.54]", "maxDistance"),
        ("near;maxDistance==0", "Point", "[102.1,16.54]", "more than 0"),
        ("near;maxDistance==-5", "Point", "[102.1,16.54]", "maxDistance"),
        ("nearby", "Point", "[102.1,16.54]", "georel"),
        ("within", "Circle", "[102.1,16.54]", "geometry"),
        ("within", "Point", "102.1,16.54", "JSON array"),
        ("within", "Point", "[102.1]", "longitude"),
        ("within", "Point", "[200,16.54]", "on Earth"),
        ("within", "Point", '["a","b"]', "longitude"),
        ("within", "Polygon", "[[[102.1,16.5],[102.2,16.5],[102.2,16.6]]]", "Polygon"),
        ("within", "Polygon", "[[[0,0],[1,1],[1,0],[0,1],[0,0]]]", "not valid"),
        ("within", "Point", "[[[[[[1,2]]]]]]", "deep"),
    ],
)
def test_a_bad_geo_query_is_a_400_naming_the_parameter(town, georel, geometry, coordinates, says):
    body = problem(geo(town, georel, geometry, coordinates), 400, "BadRequestData")
    assert says in body["detail"]


def test_an_incomplete_geo_query(town):
    body = problem(town.get(f"{E}&georel=within&geometry=Point"), 400, "BadRequestData")
    assert "coordinates" in body["detail"]
    problem(town.get(f"{E}&geoproperty=location"), 400, "BadRequestData")
