"""NGSI-LD geo-queries (GS CIM 009 clause 4.10): `georel`, `geometry`, `coordinates`, `geoproperty`.

    georel = near;maxDistance==<metres> / near;minDistance==<metres> / within / contains / intersects /
             disjoint / equals / overlaps
    geometry = Point / MultiPoint / LineString / MultiLineString / Polygon / MultiPolygon
    coordinates = the GeoJSON coordinates of that geometry, as a JSON array (longitude first)

Distances are in metres on the WGS84 spheroid (`geography`). `near;maxDistance` first keeps the rows whose
geometry's bounding box touches the reference geometry's box grown by the distance in degrees — the
GiST index of the geometry column answers that — then checks the exact distance on those rows only.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

from muang.core.geo import SRID
from muang.ngsi.query import Params, QueryError

GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
RELATIONS = {
    "within": "ST_Within({g}, {ref})",
    "contains": "ST_Contains({g}, {ref})",
    "intersects": "ST_Intersects({g}, {ref})",
    "disjoint": "ST_Disjoint({g}, {ref})",
    "equals": "ST_Equals({g}, {ref})",
    "overlaps": "ST_Overlaps({g}, {ref})",
}
DISTANCE = re.compile(r"near;(maxDistance|minDistance)==(\d+(?:\.\d+)?)")
MAX_DISTANCE = 1_000_000.0  # metres: a province, not a continent
MAX_COORDINATES = 20_000
METRES_PER_DEGREE_LAT = 110_574.0  # the least there is (at the equator): the box is never too small


@dataclass(frozen=True)
class GeoQuery:
    relation: str  # near, within, ...
    geometry: GEOSGeometry
    max_distance: float | None = None
    min_distance: float | None = None
    geoproperty: str = "location"

    def sql(self, column: str, params: Params) -> str:
        """The condition on a geometry column (in SRID) that holds for the entities the query selects."""
        ref = f"ST_GeomFromText({params.add(self.geometry.wkt)}, {SRID})"
        if self.relation != "near":
            return "(" + RELATIONS[self.relation].format(g=column, ref=ref) + ")"
        geography = f"{ref}::geography"
        if self.max_distance is not None:
            dx, dy = self.degrees(self.max_distance)
            box = f"ST_Expand({ref}, {params.add(dx)}::float8, {params.add(dy)}::float8)"
            within = f"ST_DWithin({column}::geography, {geography}, {params.add(self.max_distance)}::float8)"
            return f"({column} && {box} AND {within})"
        return f"(NOT ST_DWithin({column}::geography, {geography}, {params.add(self.min_distance)}::float8))"

    def degrees(self, metres: float) -> tuple[float, float]:
        """How many degrees of longitude and latitude `metres` can span around the reference geometry."""
        _west, south, _east, north = self.geometry.extent
        dy = metres / METRES_PER_DEGREE_LAT * 1.01
        farthest = min(89.0, max(abs(south), abs(north)) + dy)
        dx = dy / math.cos(math.radians(farthest))
        return min(dx, 360.0), min(dy, 180.0)


def parse_geoquery(
    georel: str | None, geometry: str | None, coordinates: str | None, geoproperty: str | None
) -> GeoQuery | None:
    """The geo-query of a request, None when it has none, QueryError naming the parameter at fault."""
    if not any((georel, geometry, coordinates)):
        if geoproperty:
            raise QueryError(_("geoproperty goes with georel, geometry and coordinates"))
        return None
    missing = [
        n for n, v in (("georel", georel), ("geometry", geometry), ("coordinates", coordinates)) if not v
    ]
    if missing:
        raise QueryError(
            _("A geo-query needs georel, geometry and coordinates; missing: %(m)s")
            % {"m": ", ".join(missing)}
        )
    max_distance = min_distance = None
    if georel.startswith("near"):
        m = DISTANCE.fullmatch(georel)
        if not m:
            raise QueryError(_("georel: near;maxDistance==<metres> or near;minDistance==<metres>"))
        distance = float(m.group(2))
        if not 0 < distance <= MAX_DISTANCE:
            raise QueryError(
                _("georel: the distance is more than 0 and at most %(max)s metres")
                % {"max": int(MAX_DISTANCE)}
            )
        if m.group(1) == "maxDistance":
            max_distance = distance
        else:
            min_distance = distance
        relation = "near"
    elif georel in RELATIONS:
        relation = georel
    else:
        raise QueryError(
            _("georel is one of near;maxDistance==…, near;minDistance==…, %(r)s")
            % {"r": ", ".join(RELATIONS)}
        )
    if geometry not in GEOMETRIES:
        raise QueryError(_("geometry is one of %(g)s") % {"g": ", ".join(GEOMETRIES)})
    shape = _geometry(geometry, coordinates)
    return GeoQuery(relation, shape, max_distance, min_distance, geoproperty or "location")


def _geometry(kind: str, text: str) -> GEOSGeometry:
    if len(text) > 200_000:
        raise QueryError(_("coordinates: too long"))
    try:
        coordinates = json.loads(text)
    except (ValueError, RecursionError):
        raise QueryError(_("coordinates: not a JSON array (e.g. [102.1,16.5])")) from None
    if not isinstance(coordinates, list):
        raise QueryError(_("coordinates: not a JSON array (e.g. [102.1,16.5])"))
    positions = list(_positions(coordinates))
    if len(positions) > MAX_COORDINATES:
        raise QueryError(_("coordinates: at most %(n)s positions") % {"n": MAX_COORDINATES})
    for lon, lat in positions:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise QueryError(_("coordinates: [%(lon)s, %(lat)s] is not longitude, latitude on Earth") % {
                "lon": lon, "lat": lat})  # fmt: skip
    try:
        shape = GEOSGeometry(json.dumps({"type": kind, "coordinates": coordinates}), srid=SRID)
    except (GEOSException, ValueError, TypeError) as e:
        raise QueryError(
            _("coordinates: not the coordinates of a %(kind)s (%(e)s)") % {"kind": kind, "e": str(e)[:200]}
        ) from None
    if shape.empty:
        raise QueryError(_("coordinates: the %(kind)s is empty") % {"kind": kind})
    if not shape.valid:
        raise QueryError(
            _("coordinates: the %(kind)s is not valid: %(why)s") % {"kind": kind, "why": shape.valid_reason}
        )
    return shape


def _positions(node, depth: int = 0):
    """Every position of a coordinates array, checked to be [longitude, latitude] numbers."""
    if depth > 4:  # a MultiPolygon is the deepest: polygons of rings of positions
        raise QueryError(_("coordinates: nested too deep"))
    if node and all(isinstance(v, int | float) and not isinstance(v, bool) for v in node):
        if len(node) not in (2, 3) or not all(math.isfinite(v) for v in node):
            raise QueryError(_("coordinates: a position is [longitude, latitude]"))
        yield node[0], node[1]
        return
    if not node:
        raise QueryError(_("coordinates: an empty array"))
    for child in node:
        if not isinstance(child, list):
            raise QueryError(_("coordinates: a position is [longitude, latitude]"))
        yield from _positions(child, depth + 1)
