"""Geography shared by every app (core.geo): boxes, GeoJSON, clustering and vector tiles, the SQL ones on the real
PostGIS (organisation boundaries stand in for any app's shapes)."""

import json
import math

import numpy as np
import pytest
from django.utils import translation

from muang.core import geo
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.core.tests.factories import OrganizationFactory

# --- boxes -----------------------------------------------------------------------------------------------------


def test_a_box_is_parsed_in_the_geojson_order_and_unpacks_as_a_tuple():
    box = geo.BBox.parse("102.0,16.5,102.2,16.6")
    west, south, east, north = box
    assert (west, south, east, north) == (102.0, 16.5, 102.2, 16.6) == tuple(box)
    assert box.width == pytest.approx(0.2) and box.height == pytest.approx(0.1)
    polygon = box.polygon()
    assert polygon.srid == geo.SRID and polygon.extent == (102.0, 16.5, 102.2, 16.6)
    assert geo.bbox_polygon((1, 2, 3, 4)).srid == geo.SRID  # any four numbers


@pytest.mark.parametrize(
    "text",
    ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "nan,1,2,3", "102.2,16.5,102.0,16.6", "0,-91,1,0", "179,0,181,1"],
)
def test_what_is_not_a_box_is_refused_naming_the_field(text):
    with pytest.raises(InvalidInput) as refused:
        geo.BBox.parse(text, "area")
    assert list(refused.value.field_errors) == ["area"]


def test_a_box_may_be_bounded_in_size():
    assert geo.BBox.parse("102,16,102.5,16.5", max_degrees=1.0)
    with translation.override("en"), pytest.raises(InvalidInput, match=r"at most 1\.0 degree"):
        geo.BBox.parse("102,16,103.5,16.5", max_degrees=1.0)
    with pytest.raises(InvalidInput, match="zoom in"):
        geo.BBox.parse("102,16,102.5,17.5").check_size(1.0, "Too large; zoom in.")


@pytest.mark.parametrize(("lat", "lon"), [("16.5", "102.1"), (16.5, 102.1)])
def test_a_position_from_a_device(lat, lon):
    point = geo.parse_position(lat, lon)
    assert (point.x, point.y, point.srid) == (102.1, 16.5, geo.SRID)


@pytest.mark.parametrize(("lat", "lon"), [("", "1"), (None, 1), (91, 0), (0, 181)])
def test_a_position_that_is_not_on_earth(lat, lon):
    with pytest.raises(InvalidInput):
        geo.parse_position(lat, lon)


def test_sql_fragments_name_the_srid_setting():
    assert geo.envelope_sql() == f"ST_MakeEnvelope(%s, %s, %s, %s, {geo.SRID})"
    assert geo.envelope_sql("%(w)s", "%(s)s", "%(e)s", "%(n)s").startswith("ST_MakeEnvelope(%(w)s, %(s)s")
    assert geo.point_sql() == f"ST_SetSRID(ST_MakePoint(%s, %s), {geo.SRID})"


# --- GeoJSON ---------------------------------------------------------------------------------------------------


def test_feature_collections_in_text_and_in_chunks_are_valid_geojson():
    text = geo.feature_collection_text(
        '[{"type":"Feature","geometry":null,"properties":{}}]', year=2026, truncated=True
    )
    parsed = json.loads(text)
    assert list(parsed) == ["type", "year", "truncated", "features"] and parsed["truncated"] is True

    point = geo.point_feature(102.12345678, 16.5, {"count": 3}, id=7)
    assert point["geometry"]["coordinates"] == [102.123457, 16.5] and point["id"] == 7
    assert json.loads(geo.feature_collection([point], as_of="2026-01-01"))["as_of"] == "2026-01-01"

    chunks = list(
        geo.feature_collection_chunks(
            [(1, '{"type":"Point","coordinates":[102.1,16.5]}', {"name": "ไทย"}), (2, None, {})],
            kind="parcels",
        )
    )
    streamed = json.loads("".join(chunks))
    assert streamed["kind"] == "parcels" and [f["id"] for f in streamed["features"]] == [1, 2]
    assert (
        streamed["features"][0]["properties"] == {"name": "ไทย"}
        and streamed["features"][1]["geometry"] is None
    )
    assert json.loads("".join(geo.feature_collection_chunks([])))["features"] == []


def test_geojson_answers_at_once_or_streamed():
    whole = geo.geojson_response(
        '{"type":"FeatureCollection","features":[]}', cache_control="private, no-store"
    )
    assert whole["Content-Type"] == geo.GEOJSON_CONTENT_TYPE and whole["Cache-Control"] == "private, no-store"
    streamed = geo.geojson_response(iter(["{", "}"]), filename="x.geojson")
    assert streamed.streaming and b"".join(streamed.streaming_content) == b"{}"
    assert streamed["Content-Disposition"] == 'attachment; filename="x.geojson"'


# --- clustering ------------------------------------------------------------------------------------------------


def test_zoom_and_cells():
    assert geo.check_zoom("15") == 15
    for bad in ("", "x", "23", "-1"):
        with pytest.raises(InvalidInput):
            geo.check_zoom(bad)
    with pytest.raises(InvalidInput, match="14"):
        geo.check_zoom(13, low=14)
    assert geo.grid_cell_degrees(0, 1) == 360.0 and geo.grid_cell_degrees(2, 4) == 22.5


def test_cells_counted_beforehand_sum_into_a_coarser_grid():
    # Four fine cells: three in one coarse cell of 1 degree, one in another.
    cx = np.array([0.1, 0.2, 0.7, 1.5])
    cy = np.array([0.1, 0.9, 0.5, 0.5])
    features = geo.aggregate_cells(cx, cy, np.array([1, 2, 3, 4]), 1.0, limit=10)
    assert [(f["geometry"]["coordinates"], f["properties"]["count"]) for f in features] == [
        ([0.5, 0.5], 6),
        ([1.5, 0.5], 4),
    ]
    assert len(geo.aggregate_cells(cx, cy, np.ones(4), 1.0, limit=1)) == 1
    assert geo.aggregate_cells(np.array([]), np.array([]), np.array([]), 1.0, limit=10) == []


@pytest.mark.django_db
def test_grid_clusters_count_shapes_in_the_box(areas):
    organizations = OrganizationFactory.create_batch(3)
    sql = geo.grid_cluster_sql(
        f"""SELECT o.boundary AS shape FROM {Organization._meta.db_table} o
            WHERE o.id = ANY(%(ids)s) AND o.boundary && {geo.envelope_sql("%(w)s", "%(s)s", "%(e)s", "%(n)s")}"""  # noqa: S608
    )
    params = {"ids": [o.pk for o in organizations], "w": 90, "s": 0, "e": 110, "n": 25}
    coarse = geo.grid_clusters(sql, {**params, "cell": 10.0})
    assert sum(f["properties"]["count"] for f in coarse) == 3
    assert geo.grid_clusters(sql, {**params, "w": 0, "e": 1, "cell": 10.0}) == []  # nothing in that box


# --- vector tiles ----------------------------------------------------------------------------------------------


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


@pytest.mark.parametrize(("z", "x", "y"), [(-1, 0, 0), (23, 0, 0), (2, 4, 0), (2, 0, 4), (0, -1, 0)])
def test_impossible_tiles_are_refused(z, x, y):
    with pytest.raises(InvalidInput):
        geo.check_tile(z, x, y)


@pytest.mark.django_db
def test_a_vector_tile_holds_the_rows_of_its_layer_in_view(areas):
    mine, other = OrganizationFactory(slug="tile-mine"), OrganizationFactory(slug="tile-other")
    sql = geo.vector_tile_sql(
        layer="boundaries",
        table=Organization._meta.db_table,
        alias="o",
        shape="o.boundary",
        columns=["id", "slug"],
        where="o.id = %(org)s",
    )
    centre = mine.boundary.centroid
    z, x, y = tile_of(centre.x, centre.y, 12)
    tile = geo.vector_tile(sql, {"org": mine.pk}, z=z, x=x, y=y)
    assert b"boundaries" in tile and b"tile-mine" in tile and b"tile-other" not in tile
    far = geo.vector_tile(sql, {"org": mine.pk}, z=z, x=(x + 50) % 2**z, y=y)
    assert far == b""
    with pytest.raises(InvalidInput):
        geo.vector_tile(sql, {"org": other.pk}, z=30, x=0, y=0)
    response = geo.tile_response(tile)
    assert response["Content-Type"] == geo.MVT_CONTENT_TYPE and response.content == tile
