"""Users and memberships join the per-process stamped caches (muang.core.stamps): the signed-in user and the
actor's memberships are read from a per-process cache instead of the database on every request, kept right across
processes by these triggers."""

from django.db import migrations

from muang.core.stamps import stamp_trigger_sql


class Migration(migrations.Migration):
    dependencies = [("core", "0016_emergency_medical_duty")]

    operations = [
        migrations.RunSQL(*stamp_trigger_sql("core_membership", "memberships")),
        migrations.RunSQL(*stamp_trigger_sql("core_user", "users")),
    ]
