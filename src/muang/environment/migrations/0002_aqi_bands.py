"""The Thai AQI bands, seeded from the Pollution Control Department's 2023 notice (muang.environment.notice_2566)."""

from django.db import migrations


def seed(apps, schema_editor):
    from muang.environment.notice_2566 import seed as seed_notice

    seed_notice(apps.get_model("environment", "AqiBand"))


def unseed(apps, schema_editor):
    apps.get_model("environment", "AqiBand").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("environment", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
