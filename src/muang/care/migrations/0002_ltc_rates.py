"""The long-term-care rate per person and fiscal year (`care.ltc_rates`)."""

from django.db import migrations

from muang.care.ltc_rates import RATES, seed


def add_rates(apps, schema_editor):
    seed(apps.get_model("care", "LtcRate"))


def remove_rates(apps, schema_editor):
    apps.get_model("care", "LtcRate").objects.filter(fiscal_year__in=[r[0] for r in RATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(add_rates, remove_rates)]
