"""`property_parcel.map_shape`: the parcel's map shape (its geometry, else its pin) in Web Mercator, kept by
PostgreSQL (a stored generated column), with its GiST index.

A vector tile of the tax map clips shapes in Web Mercator: it transformed each parcel of the tile from WGS84 on
every request, a fifth of the tile's time at zoom 16. The column is not on the Django model, so no parcel read
through the ORM loads a second geometry; only the tile statement (`registry.tiles`) reads it. Writes need
nothing: PostgreSQL computes it whenever the geometry or the pin changes.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE property_parcel ADD COLUMN map_shape geometry(Geometry, 3857)
    GENERATED ALWAYS AS (ST_Transform(COALESCE(geometry, location::geometry), 3857)) STORED;
CREATE INDEX parcel_map_shape_gist ON property_parcel USING gist (map_shape);
"""

BACKWARD = """
DROP INDEX parcel_map_shape_gist;
ALTER TABLE property_parcel DROP COLUMN map_shape;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("property", "0006_assessment_partitioned_by_run"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
