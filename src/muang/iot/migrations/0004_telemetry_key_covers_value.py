"""The telemetry primary key carries the value (INCLUDE): a chart's `date_bin` query of one device and key reads
only the key's index, where that device's readings lie side by side, instead of one heap page per reading (ingest
interleaves every device's readings of the same minute, so a device's month is spread over thousands of pages).
At 105 M rows the 30-day chart of one station went from ~8,600 heap pages to ~50 index pages
(bench/bench_iot_chart.py). The key columns, the order and the conflict rule of ingest are unchanged."""

from django.db import migrations

COVERING = """
ALTER TABLE iot_telemetry DROP CONSTRAINT iot_telemetry_pkey;
ALTER TABLE iot_telemetry ADD CONSTRAINT iot_telemetry_pkey
    PRIMARY KEY (organization_id, device_id, key, time) INCLUDE (value);
"""
PLAIN = """
ALTER TABLE iot_telemetry DROP CONSTRAINT iot_telemetry_pkey;
ALTER TABLE iot_telemetry ADD CONSTRAINT iot_telemetry_pkey PRIMARY KEY (organization_id, device_id, key, time);
"""


class Migration(migrations.Migration):
    dependencies = [("iot", "0003_alarms")]

    operations = [migrations.RunSQL(COVERING, PLAIN)]
