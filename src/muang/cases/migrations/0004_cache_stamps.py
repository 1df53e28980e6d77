"""Changes of categories, statuses and holidays bump the stamps of their per-process caches (muang.core.stamps)."""

from django.db import migrations

from muang.core.stamps import stamp_trigger_sql


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_attachment_private_photo"), ("core", "0014_cache_stamps")]

    operations = [
        migrations.RunSQL(*stamp_trigger_sql("cases_casecategory", "case_categories")),
        migrations.RunSQL(*stamp_trigger_sql("cases_casestatus", "case_statuses")),
        migrations.RunSQL(*stamp_trigger_sql("cases_holiday", "case_holidays")),
    ]
