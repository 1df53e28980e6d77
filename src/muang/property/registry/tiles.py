"""Parcel vector tiles (Mapbox Vector Tile, built by PostGIS with ST_AsMVT through `core.geo`) for the tax map.

A tile carries only what the map colours and labels by; the parcel card is fetched on click. Parcels not yet
surveyed show as their pin. Web Mercator tiles (z/x/y as in OpenStreetMap / Leaflet).
"""

from muang.core import geo
from muang.core.access import Actor, require
from muang.core.geo import MAX_ZOOM, MVT_CONTENT_TYPE, check_tile
from muang.core.models import Organization
from muang.property.models import Parcel
from muang.property.permissions import PropertyPerm

__all__ = [
    "MAX_ZOOM",
    "MVT_CONTENT_TYPE",
    "PARCEL_TILE_SQL",
    "PARCEL_TILE_TRANSFORMING_SQL",
    "check_tile",
    "parcel_tile",
]

# Parameters: z, x, y, organization id. `map_shape` is the geometry, else the pin, in Web Mercator: a column
# PostgreSQL keeps (migration property/0007), GiST-indexed (parcel_map_shape_gist), so a tile transforms nothing.
_LAYER = {
    "layer": "parcels",
    "table": Parcel._meta.db_table,
    "alias": "p",
    "columns": ["id", "code", "use", "survey_status", "exemption"],
    "where": "p.organization_id = %(org)s AND p.retired_on IS NULL",
}
PARCEL_TILE_SQL = geo.vector_tile_sql(shape="p.map_shape", shape_srid=geo.WEB_MERCATOR, **_LAYER)
# The same tile from the stored WGS84 shapes, each transformed on the request (GiST index parcel_shape_gist):
# the yardstick of the tile bench and of the test that the kept shape gives the same bytes.
PARCEL_TILE_TRANSFORMING_SQL = geo.vector_tile_sql(shape="COALESCE(p.geometry, p.location)", **_LAYER)


def parcel_tile(*, actor: Actor, organization: Organization, z: int, x: int, y: int) -> bytes:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    return geo.vector_tile(PARCEL_TILE_SQL, {"org": organization.pk}, z=z, x=x, y=y)
