"""Parcel vector tiles (Mapbox Vector Tile, built by PostGIS with ST_AsMVT) for the tax map.

A tile carries only what the map colours and labels by; the parcel card is fetched on click. Parcels not yet
surveyed show as their pin. Web Mercator tiles (z/x/y as in OpenStreetMap / Leaflet).
"""

from django.db import connection
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import Organization
from muang.property.models import Parcel
from muang.property.permissions import PropertyPerm

MAX_ZOOM = 22
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
# Parameters: z, x, y, organization id. The && on the expression uses the GiST index parcel_shape_gist.
PARCEL_TILE_SQL = f"""
    WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS merc,
                           ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 0.015625), 4326) AS wgs),
    shapes AS (
        SELECT ST_AsMVTGeom(ST_Transform(COALESCE(p.geometry, p.location), 3857), bounds.merc, 4096, 64, true) AS geom,
               p.id, p.code, p.use, p.survey_status, p.exemption
        FROM {Parcel._meta.db_table} p, bounds
        WHERE p.organization_id = %(org)s AND p.retired_on IS NULL
          AND COALESCE(p.geometry, p.location) && bounds.wgs
    )
    SELECT ST_AsMVT(shapes.*, 'parcels', 4096, 'geom', 'id') FROM shapes WHERE geom IS NOT NULL
"""  # noqa: S608 (the table name is ours; every value is a parameter)


def check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidInput.for_field("z", _("Zoom must be between 0 and %(max)s.") % {"max": MAX_ZOOM})
    limit = 2**z
    if not (0 <= x < limit and 0 <= y < limit):
        raise InvalidInput.for_field("x", _("No tile %(x)s/%(y)s at zoom %(z)s.") % {"x": x, "y": y, "z": z})


def parcel_tile(*, actor: Actor, organization: Organization, z: int, x: int, y: int) -> bytes:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    check_tile(z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(PARCEL_TILE_SQL, {"z": z, "x": x, "y": y, "org": organization.pk})
        return bytes(cursor.fetchone()[0] or b"")
