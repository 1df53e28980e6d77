"""Changes of category questions bump the stamp of their per-process cache (muang.core.stamps)."""

from django.db import migrations

from muang.core.stamps import stamp_trigger_sql


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_reporter_check"), ("core", "0014_cache_stamps")]

    operations = [migrations.RunSQL(*stamp_trigger_sql("reports_categoryquestion", "category_questions"))]
