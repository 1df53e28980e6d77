# One unique index on (right, month, line type, adjustment) replaces the partial unique index of payments and
# the (person, month) index: one index for a run's INSERT to keep up (see AllowanceLine.Meta).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0006_line_run_brin'),
        ('core', '0017_speed3_user_membership_stamps'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='allowanceline',
            name='care_line_one_payment_per_right_month',
        ),
        migrations.RemoveIndex(
            model_name='allowanceline',
            name='care_line_person_month_idx',
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.UniqueConstraint(fields=('right', 'month', 'line_type', 'adjustment'), name='care_line_one_per_right_month_type', nulls_distinct=False),
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.CheckConstraint(condition=models.Q(('line_type', 'adjustment'), ('adjustment__isnull', True), _connector='OR'), name='care_line_only_adjustments_have_source'),
        ),
    ]
