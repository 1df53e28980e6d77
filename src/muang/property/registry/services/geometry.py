"""Parcel geometry: parsed, reprojected to WGS84 with the right datum shift, and checked against the
organisation's boundary. Shared by the services and the importers, so both refuse the same things."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.gis.gdal import CoordTransform, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point, WKBWriter
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.core.validation import THAILAND_BBOX

WGS84 = SRID
# Land Office files: Indian 1975 / UTM zone 47N (most of Thailand) and 48N (the east).
INDIAN_1975_UTM_47N = 24047
INDIAN_1975_UTM_48N = 24048
# Share of a parcel's area that may lie outside the boundary: digitising slack between Land Office sheets and
# the organisation's boundary, not a real overlap into the neighbour.
OUTSIDE_TOLERANCE = 0.01


class Reprojector:
    """Transforms geometries from `srid` to WGS84, built once per import.

    GDAL (PROJ >= 6) picks the transformation from the EPSG database by area of use, so EPSG:24047 and
    24048 go through "Indian 1975 to WGS 84 (4)" (EPSG:1812, 7-parameter Helmert, 3 m, Thailand onshore)
    and not a datum-less conversion that would land parcels some 600 m off (tested).
    """

    def __init__(self, srid: int | None = WGS84, *, field: str = "srid"):
        self.srid = srid or WGS84
        self._transform: CoordTransform | None = None
        if self.srid != WGS84:
            try:
                self._transform = CoordTransform(SpatialReference(self.srid), SpatialReference(WGS84))
            except (GDALException, TypeError, ValueError) as e:
                raise InvalidInput.for_field(
                    field, _("Unknown coordinate reference system EPSG:%(srid)s.") % {"srid": self.srid}
                ) from e

    @classmethod
    def from_srs(cls, srs: SpatialReference | None, fallback_srid: int | None) -> Reprojector:
        """For a Shapefile's .prj: prefer its EPSG code (full transformation choice), else the given SRID."""
        if fallback_srid:
            return cls(fallback_srid)
        if srs is None:
            return cls(WGS84)
        srid = srs.srid
        if srid is None:
            try:
                srs = srs.clone()
                srs.identify_epsg()
                srid = srs.srid
            except GDALException:
                srid = None
        if srid is None:
            raise InvalidInput.for_field(
                "srid",
                _("The file's coordinate system (%(name)s) has no EPSG code; give the SRID (e.g. 24047).")
                % {"name": srs.name},
            )
        return cls(int(srid))

    def __call__(self, geometry: GEOSGeometry) -> GEOSGeometry:
        if self._transform is None:
            geometry.srid = WGS84
            return geometry
        geometry.srid = self.srid
        geometry.transform(self._transform)
        geometry.srid = WGS84
        return geometry


class OrganizationArea:
    """An organisation's boundary, prepared once to check many parcels quickly."""

    def __init__(self, organization: Organization):
        self.organization = organization
        self.boundary = organization.boundary
        self.prepared = self.boundary.prepared if self.boundary is not None else None

    def check(self, geometry: GEOSGeometry, field: str) -> None:
        if self.boundary is None:
            return  # no boundary recorded yet: only the Thailand check applies
        if self.prepared.covers(geometry):
            return
        if geometry.geom_type == "Point":
            raise InvalidInput.for_field(
                field, _("The point lies outside the boundary of %(org)s.") % {"org": self.organization}
            )
        outside = geometry.difference(self.boundary).area / geometry.area if geometry.area else 1
        if outside > OUTSIDE_TOLERANCE:
            raise InvalidInput.for_field(
                field,
                _("%(pct)s%% of the parcel lies outside the boundary of %(org)s.")
                % {"pct": f"{outside * 100:.0f}", "org": self.organization},
            )


def geometry_from_geojson(value: dict[str, Any] | str, field: str = "geometry") -> GEOSGeometry:
    try:
        text = value if isinstance(value, str) else json.dumps(value)
        return GEOSGeometry(text)
    except (GEOSException, GDALException, ValueError, TypeError) as e:
        raise InvalidInput.for_field(field, _("Not a GeoJSON geometry: %(error)s") % {"error": e}) from e


def geometry_from_wkt(value: str, field: str = "geometry") -> GEOSGeometry:
    try:
        return GEOSGeometry(value.strip())
    except (GEOSException, GDALException, ValueError, TypeError) as e:
        raise InvalidInput.for_field(field, _("Not a WKT geometry: %(error)s") % {"error": e}) from e


def _check_in_thailand(geometry: GEOSGeometry, field: str) -> None:
    if THAILAND_BBOX.contains(geometry):
        return
    x0, y0, x1, y1 = geometry.extent
    if max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
        raise InvalidInput.for_field(
            field,
            _("The coordinates look projected (metres), not longitude/latitude: give the SRID, e.g. 24047."),
        )
    raise InvalidInput.for_field(field, _("The geometry lies outside Thailand."))


def clean_parcel_geometry(
    geometry: GEOSGeometry,
    *,
    area: OrganizationArea,
    reproject: Reprojector | None = None,
    field: str = "geometry",
) -> MultiPolygon:
    """A valid (Multi)Polygon in WGS84 inside Thailand and inside the organisation; a Polygon becomes Multi."""
    geometry = (reproject or Reprojector(geometry.srid or WGS84))(geometry)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=WGS84)
    if geometry.geom_type != "MultiPolygon":
        raise InvalidInput.for_field(
            field,
            _("A parcel is a Polygon or MultiPolygon, not a %(type)s.") % {"type": geometry.geom_type},
        )
    if geometry.empty:
        raise InvalidInput.for_field(field, _("The geometry is empty."))
    if geometry.hasz:  # Land Office files sometimes carry a zero Z
        writer = WKBWriter()
        writer.outdim = 2
        geometry = GEOSGeometry(writer.write(geometry), srid=WGS84)
    if not geometry.valid:
        raise InvalidInput.for_field(
            field, _("The geometry is not valid: %(reason)s.") % {"reason": geometry.valid_reason}
        )
    _check_in_thailand(geometry, field)
    area.check(geometry, field)
    return geometry


def clean_location(
    point: GEOSGeometry,
    *,
    area: OrganizationArea,
    reproject: Reprojector | None = None,
    field: str = "location",
) -> Point:
    point = (reproject or Reprojector(point.srid or WGS84))(point)
    if point.geom_type != "Point" or point.empty:
        raise InvalidInput.for_field(field, _("A location is a Point."))
    _check_in_thailand(point, field)
    area.check(point, field)
    return point


def representative_point(geometry: MultiPolygon) -> Point:
    point = geometry.point_on_surface
    point.srid = WGS84
    return point
