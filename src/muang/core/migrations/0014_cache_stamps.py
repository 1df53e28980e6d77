"""Stamps for the per-process caches of reference data (muang.core.stamps): a table of versions, the function
that bumps one, and the triggers of core's tables. Raw SQL: no model, nothing for the ORM to manage."""

from django.db import migrations

from muang.core.stamps import stamp_trigger_sql

SETUP = """
CREATE SEQUENCE core_cache_stamp_seq;
CREATE TABLE core_cache_stamp (name varchar(60) PRIMARY KEY, version bigint NOT NULL);
CREATE FUNCTION muang_bump_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_cache_stamp (name, version) VALUES (TG_ARGV[0], nextval('core_cache_stamp_seq'))
    ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$;
"""
TEARDOWN = """
DROP FUNCTION IF EXISTS muang_bump_stamp() CASCADE;
DROP TABLE IF EXISTS core_cache_stamp;
DROP SEQUENCE IF EXISTS core_cache_stamp_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0013_notification_email")]

    operations = [
        migrations.RunSQL(SETUP, TEARDOWN),
        migrations.RunSQL(*stamp_trigger_sql("core_organization", "organizations")),
        migrations.RunSQL(*stamp_trigger_sql("core_department", "departments")),
    ]
