"""Geography, once for every app: the SRID setting, bounding boxes, GeoJSON (built by PostGIS or streamed in
chunks), grid clustering and Mapbox vector tiles (ST_AsMVT).

Storage is WGS84 longitude / latitude (`SRID`); distances go through `geography` or a Thai UTM zone
(`METRIC_SRID`); tiles are Web Mercator z/x/y as in OpenStreetMap and Leaflet. Raw SQL names the SRID through
`envelope_sql` and the constants here, never as a literal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput

SRID = 4326  # WGS84 longitude / latitude: every geometry column
WEB_MERCATOR = 3857  # map tiles
METRIC_SRID = 32647  # WGS84 / UTM zone 47N: areas in square metres over most of Thailand
MAX_ZOOM = 22
TILE_EXTENT = 4096  # MVT coordinates per tile side
TILE_BUFFER = 64  # and the margin kept around it, so that strokes join across tiles
GEOJSON_CONTENT_TYPE = "application/geo+json"
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
GEOJSON_PRECISION = 6  # decimals of a degree: about 10 cm


# --- bounding boxes --------------------------------------------------------------------------------------------


class BBox(NamedTuple):
    """A longitude / latitude box in WGS84, (min_lon, min_lat, max_lon, max_lat) as in GeoJSON and OGC APIs.
    A tuple, so `west, south, east, north = bbox` works."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, text: str, field: str = "bbox", *, max_degrees: float | None = None) -> BBox:
        """From "min_lon,min_lat,max_lon,max_lat"; InvalidInput naming `field` when it is not four numbers, out
        of range, upside down or (with `max_degrees`) wider or taller than that."""
        try:
            values = [float(v) for v in (text or "").split(",")]
        except ValueError:
            values = []
        if len(values) != 4 or any(v != v for v in values):  # v != v: NaN
            raise InvalidInput.for_field(field, _("A box is four numbers: min_lon,min_lat,max_lon,max_lat."))
        box = cls(*values)
        if not (-180 <= box.min_lon < box.max_lon <= 180 and -90 <= box.min_lat < box.max_lat <= 90):
            raise InvalidInput.for_field(field, _("The box is out of range or upside down."))
        if max_degrees is not None:
            box.check_size(
                max_degrees,
                _("The box may span at most %(d)s degree each way.") % {"d": max_degrees},
                field=field,
            )
        return box

    @property
    def width(self) -> float:
        return self.max_lon - self.min_lon

    @property
    def height(self) -> float:
        return self.max_lat - self.min_lat

    def check_size(self, max_degrees: float, message: str, *, field: str = "bbox") -> None:
        if self.width > max_degrees or self.height > max_degrees:
            raise InvalidInput.for_field(field, message)

    def polygon(self) -> Polygon:
        return bbox_polygon(self)


def bbox_polygon(bbox: Sequence[float]) -> Polygon:
    """The box (any four numbers west, south, east, north) as a polygon in `SRID`, for `__bboverlaps` and
    `__contained` lookups."""
    polygon = Polygon.from_bbox(tuple(bbox))
    polygon.srid = SRID
    return polygon


def envelope_sql(west: str = "%s", south: str = "%s", east: str = "%s", north: str = "%s") -> str:
    """`ST_MakeEnvelope(…, SRID)` for raw SQL, with positional (`%s`) or named (`%(w)s`) parameters."""
    return f"ST_MakeEnvelope({west}, {south}, {east}, {north}, {SRID})"


def point_sql(lon: str = "%s", lat: str = "%s") -> str:
    """A parameter point in `SRID` for raw SQL."""
    return f"ST_SetSRID(ST_MakePoint({lon}, {lat}), {SRID})"


def point(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=SRID)


def parse_position(lat: Any, lon: Any, *, field: str = "lat") -> Point:
    """A position as a device reports it (numbers or text), checked for range only: InvalidInput naming
    `field` when it is not two numbers on Earth. (`core.validation.point_from` also keeps it inside Thailand.)"""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as e:
        raise InvalidInput.for_field(field, _("Give the position as latitude and longitude.")) from e
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput.for_field(field, _("That position is not on Earth."))
    return point(lon, lat)


def bounds(geometry) -> list[float] | None:
    """[west, south, east, north] of a geometry to 6 decimals (where a map opens), or None."""
    if geometry is None:
        return None
    return [round(v, GEOJSON_PRECISION) for v in geometry.extent]


# --- GeoJSON ---------------------------------------------------------------------------------------------------


def _members(members: Mapping[str, Any]) -> str:
    return "".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}," for k, v in members.items())


def feature_collection_text(features: str, **members: Any) -> str:
    """A FeatureCollection around `features`, the JSON text of its features array (as PostGIS builds it with
    `string_agg`), with foreign members first (`truncated`, `year`, …) in the order given."""
    return f'{{"type":"FeatureCollection",{_members(members)}"features":{features}}}'


def feature_collection(features: list[dict[str, Any]], **members: Any) -> str:
    """A FeatureCollection of features built in Python, members in the order given."""
    return json.dumps({"type": "FeatureCollection", **members, "features": features}, ensure_ascii=False)


def point_feature(lon: float, lat: float, properties: dict[str, Any], **members: Any) -> dict[str, Any]:
    coordinates = [round(lon, GEOJSON_PRECISION), round(lat, GEOJSON_PRECISION)]
    return {
        "type": "Feature",
        **members,
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": properties,
    }


def feature_collection_chunks(
    features: Iterable[tuple[Any, str | None, dict[str, Any]]], **members: Any
) -> Iterator[str]:
    """A FeatureCollection streamed as text chunks, one per feature: `features` yields (id, geometry as GeoJSON
    text — e.g. PostGIS's ST_AsGeoJSON — or None, properties). A whole registry never sits in memory."""
    yield f'{{"type":"FeatureCollection",{_members(members)}"features":['
    first = True
    for pk, geometry, properties in features:
        body = json.dumps(properties, ensure_ascii=False)
        yield f'{"" if first else ","}{{"type":"Feature","id":{json.dumps(pk)},"geometry":{geometry or "null"},"properties":{body}}}'
        first = False
    yield "]}"


def geojson_response(
    content: str | bytes | Iterable[str], *, cache_control: str | None = None, filename: str | None = None
) -> HttpResponse:
    """GeoJSON as an answer: text at once, or an iterator of chunks streamed; `filename` makes it a download."""
    if isinstance(content, str | bytes):
        response = HttpResponse(content, content_type=GEOJSON_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(content, content_type=GEOJSON_CONTENT_TYPE)
    if cache_control:
        response["Cache-Control"] = cache_control
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- clustering ------------------------------------------------------------------------------------------------


def check_zoom(
    zoom: Any, *, low: int = 0, high: int = MAX_ZOOM, field: str = "zoom", message: str = ""
) -> int:
    """A zoom level from a query string, within [low, high], else InvalidInput naming `field`."""
    try:
        value = int(zoom)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        raise InvalidInput.for_field(
            field,
            message or _("The zoom is a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
        )
    return value


def grid_cell_degrees(zoom: int, cells_per_tile: int) -> float:
    """The side of a clustering cell: a 256-pixel tile is 360 / 2^zoom degrees wide, split `cells_per_tile`
    times (4 → cells of about 64 pixels)."""
    return 360.0 / 2**zoom / cells_per_tile


def grid_cluster_sql(shapes_sql: str) -> str:
    """Counts per grid cell of the shapes a subquery selects (a column `shape`), placed at the mean centre of
    their bounding boxes. Only the boxes are read (no geometry is decoded), so a district-wide view of a
    province-sized registry stays quick. Takes the named parameter `%(cell)s` (degrees) besides the subquery's."""
    return f"""
    SELECT avg(ST_XMin(shape) + ST_XMax(shape)) / 2, avg(ST_YMin(shape) + ST_YMax(shape)) / 2, count(*)
    FROM ({shapes_sql}) s
    GROUP BY floor(ST_XMin(shape) / %(cell)s), floor(ST_YMin(shape) / %(cell)s)
    """  # noqa: S608 (the subquery is the calling code's; every value is a parameter)


def grid_clusters(sql: str, params: Mapping[str, Any] | Sequence[Any]) -> list[dict[str, Any]]:
    """Run a `grid_cluster_sql` statement: one point feature with a `count` per cell."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [point_feature(x, y, {"count": n}) for x, y, n in cursor.fetchall()]


def aggregate_cells(cx, cy, weights, cell: float, *, limit: int) -> list[dict[str, Any]]:
    """Cells counted beforehand (numpy arrays of cell centres and counts, e.g. an in-memory snapshot) summed
    into a coarser grid of `cell` degrees: at most `limit` point features with a `count`, largest first, each
    at its coarse cell's centre (no exact point leaks through a cluster of one)."""
    import numpy as np

    kx = np.floor(cx / cell).astype(np.int64)
    ky = np.floor(cy / cell).astype(np.int64)
    if not kx.size:
        return []
    # Grid indices fit in 31 bits at any zoom used here: pack (x, y) into one key for a 1-D unique.
    keys, inverse = np.unique((kx << 32) | (ky & 0xFFFFFFFF), return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weights).astype(np.int64)
    key_x = keys >> 32
    key_y = ((keys & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000  # back to signed
    return [
        point_feature((int(key_x[i]) + 0.5) * cell, (int(key_y[i]) + 0.5) * cell, {"count": int(counts[i])})
        for i in np.argsort(-counts, kind="stable")[:limit]
    ]


# --- vector tiles ----------------------------------------------------------------------------------------------


def check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidInput.for_field("z", _("Zoom must be between 0 and %(max)s.") % {"max": MAX_ZOOM})
    limit = 2**z
    if not (0 <= x < limit and 0 <= y < limit):
        raise InvalidInput.for_field("x", _("No tile %(x)s/%(y)s at zoom %(z)s.") % {"x": x, "y": y, "z": z})


def vector_tile_sql(
    *,
    layer: str,
    table: str,
    shape: str,
    columns: Sequence[str],
    where: str,
    alias: str = "t",
    id_column: str = "id",
    shape_srid: int = SRID,
) -> str:
    """An ST_AsMVT statement for one layer: the rows of `table` (as `alias`) matching `where` whose `shape`
    (an expression in `shape_srid`, GiST-indexed as written) touches the tile, with `columns` as attributes.
    Takes the named parameters %(z)s, %(x)s, %(y)s besides those of `where`. The tile's own box with a small
    margin (in the shape's SRID) lets the index choose the rows; ST_AsMVTGeom clips them in Web Mercator. A shape
    stored in Web Mercator (`shape_srid=WEB_MERCATOR`) is clipped as it is: no transformation per row."""
    attributes = ", ".join(f"{alias}.{c}" for c in columns)
    margin = TILE_BUFFER / TILE_EXTENT
    box = f"ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {margin})"
    if shape_srid == WEB_MERCATOR:
        mercator = shape
    else:
        box, mercator = f"ST_Transform({box}, {shape_srid})", f"ST_Transform({shape}, {WEB_MERCATOR})"
    return f"""
    WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS merc, {box} AS box),
    shapes AS (
        SELECT ST_AsMVTGeom({mercator}, bounds.merc, {TILE_EXTENT}, {TILE_BUFFER}, true) AS geom, {attributes}
        FROM {table} {alias}, bounds
        WHERE {where} AND {shape} && bounds.box
    )
    SELECT ST_AsMVT(shapes.*, '{layer}', {TILE_EXTENT}, 'geom', '{id_column}') FROM shapes WHERE geom IS NOT NULL
    """  # noqa: S608 (names and expressions come from the calling code; every value is a parameter)


def vector_tile(sql: str, params: Mapping[str, Any], *, z: int, x: int, y: int) -> bytes:
    """The tile z/x/y (checked first) of a `vector_tile_sql` statement, as bytes (empty when nothing is there)."""
    check_tile(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "z": z, "x": x, "y": y})
        return bytes(cursor.fetchone()[0] or b"")


def tile_response(tile: bytes, *, cache_control: str = "private, max-age=60") -> HttpResponse:
    response = HttpResponse(tile, content_type=MVT_CONTENT_TYPE)
    response["Cache-Control"] = cache_control
    return response
