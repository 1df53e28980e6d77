"""Hourly roll-ups of telemetry for the charts (issue 10: a 30-day chart p95 <= 100 ms).

- `iot_telemetryhour`: per (organisation, device, key, hour) the readings' count, sum, min and max, for every
  completed hour up to the watermark in `iot_telemetryrollup` (one row). The worker fills it
  (`muang.iot.services.rollup`); the charts read it for completed hours and the raw rows for the rest.
- `iot_telemetryhourdirty`: hours below the watermark that received a late reading (ingest marks them); the
  charts read those hours raw until the worker has recomputed them.
- A BRIN index on `iot_telemetry.time` (tiny, cheap on insert: readings arrive in time order) so the roll-up of an
  hour reads that hour's pages, not its whole month (the primary key begins with the organisation)."""

from django.db import migrations

FORWARD = """
CREATE TABLE iot_telemetryhour (
    organization_id bigint NOT NULL,
    device_id bigint NOT NULL,
    key varchar(64) NOT NULL,
    hour timestamptz NOT NULL,
    n integer NOT NULL,
    total double precision NOT NULL,
    lo double precision NOT NULL,
    hi double precision NOT NULL,
    PRIMARY KEY (organization_id, device_id, key, hour) INCLUDE (n, total, lo, hi)
);
CREATE TABLE iot_telemetryhourdirty (
    organization_id bigint NOT NULL,
    device_id bigint NOT NULL,
    key varchar(64) NOT NULL,
    hour timestamptz NOT NULL,
    PRIMARY KEY (organization_id, device_id, key, hour)
);
CREATE TABLE iot_telemetryrollup (
    id smallint PRIMARY KEY CHECK (id = 1),
    done_until timestamptz
);
INSERT INTO iot_telemetryrollup (id, done_until) VALUES (1, NULL);
CREATE INDEX iot_telemetry_time_brin ON iot_telemetry USING brin (time) WITH (autosummarize = on);
"""
BACKWARD = """
DROP INDEX iot_telemetry_time_brin;
DROP TABLE iot_telemetryrollup;
DROP TABLE iot_telemetryhourdirty;
DROP TABLE iot_telemetryhour;
"""


class Migration(migrations.Migration):
    dependencies = [("iot", "0005_ingest3")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
