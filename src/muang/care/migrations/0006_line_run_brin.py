"""A run's lines are found by a block-range index on run (they are written together, never updated or deleted)
instead of a B-tree on (run, line_type) that the run's INSERT kept up for every line."""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0005_health3"),
        ("core", "0017_speed3_user_membership_stamps"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="allowanceline",
            name="care_line_run_type_idx",
        ),
        migrations.AddIndex(
            model_name="allowanceline",
            index=django.contrib.postgres.indexes.BrinIndex(fields=["run"], name="care_line_run_brin"),
        ),
    ]
