"""Allowances: dated rates (seeded from `care.allowance_rates`), rights, confirmation windows, monthly payment
runs and their lines, adjustments, the paying account. A line, once written, is never changed or removed: a
trigger refuses UPDATE and DELETE (a correction is a new adjustment line)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from muang.care.allowance_rates import RATES, seed


def add_rates(apps, schema_editor):
    seed(apps.get_model("care", "AllowanceRate"))


def remove_rates(apps, schema_editor):
    apps.get_model("care", "AllowanceRate").objects.filter(valid_from__in={r[5] for r in RATES}).delete()


LINES_ARE_FINAL = """
CREATE FUNCTION care_allowance_line_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an allowance line is never changed or removed; record an adjustment'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER care_allowance_line_final BEFORE UPDATE OR DELETE ON care_allowanceline
    FOR EACH ROW EXECUTE FUNCTION care_allowance_line_final();
"""
LINES_ARE_FINAL_UNDO = """
DROP TRIGGER IF EXISTS care_allowance_line_final ON care_allowanceline;
DROP FUNCTION IF EXISTS care_allowance_line_final();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0002_ltc_rates'),
        ('core', '0016_emergency_medical_duty'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AllowanceAdjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount (baht)')),
                ('remaining', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='still to settle (baht)')),
                ('reason', models.CharField(max_length=300, verbose_name='reason')),
                ('created_by_label', models.CharField(max_length=200, verbose_name='recorded by')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
            ],
            options={
                'verbose_name': 'allowance adjustment',
                'verbose_name_plural': 'allowance adjustments',
            },
        ),
        migrations.CreateModel(
            name='AllowanceLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('kind', models.CharField(choices=[('elderly', 'elderly living allowance'), ('disability', 'disability allowance')], max_length=12, verbose_name='allowance')),
                ('line_type', models.CharField(choices=[('payment', 'monthly allowance'), ('adjustment', 'adjustment'), ('stop', 'stopped')], max_length=12, verbose_name='line')),
                ('age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='age counted')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount (baht)')),
                ('stop_reason', models.CharField(blank=True, choices=[('died', 'died'), ('moved', 'moved out'), ('lapsed', 'right not confirmed'), ('card_expired', 'disability card expired'), ('pensioner', 'state pensioner'), ('not_enrolled', 'not enrolled in the programme')], max_length=16, verbose_name='why stopped')),
                ('method', models.CharField(choices=[('bank', 'bank transfer'), ('cash', 'cash')], max_length=8, verbose_name='paid by')),
                ('adjustment', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='care.allowanceadjustment')),
                ('organization', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('person', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='allowance_lines', to='care.person')),
            ],
            options={
                'verbose_name': 'allowance line',
                'verbose_name_plural': 'allowance lines',
                'ordering': ['run', 'person', 'kind', 'id'],
            },
        ),
        migrations.AddField(
            model_name='allowanceadjustment',
            name='corrects_line',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='care.allowanceline'),
        ),
        migrations.CreateModel(
            name='AllowancePayer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_code', models.CharField(max_length=3, verbose_name='bank')),
                ('branch_code', models.CharField(max_length=4, verbose_name='branch code')),
                ('account_number', models.CharField(max_length=15, verbose_name='account number')),
                ('account_name', models.CharField(max_length=100, verbose_name='account name')),
                ('company_id', models.CharField(blank=True, max_length=16, verbose_name='corporate ID at the bank')),
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.organization')),
            ],
            options={
                'verbose_name': 'allowance paying account',
                'verbose_name_plural': 'allowance paying accounts',
            },
        ),
        migrations.CreateModel(
            name='AllowanceRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('elderly', 'elderly living allowance'), ('disability', 'disability allowance')], max_length=12, verbose_name='allowance')),
                ('min_age', models.PositiveSmallIntegerField(verbose_name='from age')),
                ('max_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='to age')),
                ('welfare_card', models.BooleanField(default=False, verbose_name='state welfare card holders')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='baht a month')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid until')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
            ],
            options={
                'verbose_name': 'allowance rate',
                'verbose_name_plural': 'allowance rates',
                'ordering': ['kind', 'valid_from', 'welfare_card', 'min_age'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='care_allowance_rate_positive'), models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='care_allowance_rate_dates'), models.UniqueConstraint(fields=('kind', 'min_age', 'welfare_card', 'valid_from'), name='care_allowance_rate_unique')],
            },
        ),
        migrations.AddField(
            model_name='allowanceline',
            name='rate',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='care.allowancerate'),
        ),
        migrations.CreateModel(
            name='AllowanceRight',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('elderly', 'elderly living allowance'), ('disability', 'disability allowance')], max_length=12, verbose_name='allowance')),
                ('status', models.CharField(choices=[('active', 'active'), ('stopped', 'stopped')], default='active', max_length=8, verbose_name='status')),
                ('applied_on', models.DateField(verbose_name='applied on')),
                ('first_month', models.DateField(verbose_name='paid from (month)')),
                ('confirmed_fiscal_year', models.PositiveSmallIntegerField(verbose_name='confirmed for fiscal year (B.E.)')),
                ('confirmed_on', models.DateField(verbose_name='confirmed on')),
                ('method', models.CharField(choices=[('bank', 'bank transfer'), ('cash', 'cash')], max_length=8, verbose_name='paid by')),
                ('bank_code', models.CharField(blank=True, max_length=3, verbose_name='bank')),
                ('account_number', models.CharField(blank=True, max_length=15, verbose_name='account number')),
                ('account_name', models.CharField(blank=True, max_length=200, verbose_name='account name')),
                ('welfare_card', models.BooleanField(default=False, verbose_name='holds the state welfare card')),
                ('state_pensioner', models.BooleanField(default=False, verbose_name='receives a state pension')),
                ('moved_out_on', models.DateField(blank=True, null=True, verbose_name='moved out on')),
                ('stopped_on', models.DateField(blank=True, null=True, verbose_name='stopped on')),
                ('stop_reason', models.CharField(blank=True, choices=[('died', 'died'), ('moved', 'moved out'), ('lapsed', 'right not confirmed'), ('card_expired', 'disability card expired'), ('pensioner', 'state pensioner'), ('not_enrolled', 'not enrolled in the programme')], max_length=16, verbose_name='why stopped')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allowance_rights', to='care.person')),
            ],
            options={
                'verbose_name': 'allowance right',
                'verbose_name_plural': 'allowance rights',
            },
        ),
        migrations.AddField(
            model_name='allowanceline',
            name='right',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='care.allowanceright'),
        ),
        migrations.AddField(
            model_name='allowanceadjustment',
            name='right',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='care.allowanceright'),
        ),
        migrations.CreateModel(
            name='AllowanceRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('due_on', models.DateField(verbose_name='to be paid by')),
                ('status', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('done', 'computed'), ('paid', 'paid'), ('failed', 'failed')], default='queued', max_length=8, verbose_name='status')),
                ('progress_done', models.PositiveIntegerField(default=0, verbose_name='rights done')),
                ('progress_total', models.PositiveIntegerField(default=0, verbose_name='rights in total')),
                ('lines_count', models.PositiveIntegerField(default=0, verbose_name='lines')),
                ('paid_count', models.PositiveIntegerField(default=0, verbose_name='people paid')),
                ('total', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='total (baht)')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                ('started_by_label', models.CharField(max_length=200, verbose_name='started by')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'allowance payment run',
                'verbose_name_plural': 'allowance payment runs',
                'ordering': ['organization', '-month'],
            },
        ),
        migrations.AddField(
            model_name='allowanceline',
            name='run',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='care.allowancerun'),
        ),
        migrations.CreateModel(
            name='ConfirmationWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year (B.E.)')),
                ('opens_on', models.DateField(verbose_name='opens on')),
                ('closes_on', models.DateField(verbose_name='closes on')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
            ],
            options={
                'verbose_name': 'confirmation window',
                'verbose_name_plural': 'confirmation windows',
                'ordering': ['organization', 'opens_on'],
            },
        ),
        migrations.AddIndex(
            model_name='allowanceright',
            index=models.Index(fields=['organization', 'status', 'kind'], name='care_right_org_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='allowanceright',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('person', 'kind'), name='care_right_one_active_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='allowanceright',
            constraint=models.CheckConstraint(condition=models.Q(('method', 'cash'), models.Q(models.Q(('bank_code', ''), _negated=True), models.Q(('account_number', ''), _negated=True)), _connector='OR'), name='care_right_bank_has_account'),
        ),
        migrations.AddConstraint(
            model_name='allowanceadjustment',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='care_adjustment_not_zero'),
        ),
        migrations.AddConstraint(
            model_name='allowanceadjustment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('remaining__gte', 0), ('remaining__lte', models.F('amount'))), models.Q(('amount__lt', 0), ('remaining__lte', 0), ('remaining__gte', models.F('amount'))), _connector='OR'), name='care_adjustment_remaining_within_amount'),
        ),
        migrations.AddConstraint(
            model_name='allowancerun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'failed'), _negated=True), fields=('organization', 'month'), name='care_allowance_run_once_a_month'),
        ),
        migrations.AddConstraint(
            model_name='allowancerun',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='care_allowance_run_first_of_month'),
        ),
        migrations.AddIndex(
            model_name='allowanceline',
            index=models.Index(fields=['run', 'line_type'], name='care_line_run_type_idx'),
        ),
        migrations.AddIndex(
            model_name='allowanceline',
            index=models.Index(fields=['person', 'month'], name='care_line_person_month_idx'),
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.UniqueConstraint(condition=models.Q(('line_type', 'payment')), fields=('right', 'month'), name='care_line_one_payment_per_right_month'),
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('line_type', 'payment'), _negated=True), models.Q(('rate__isnull', False), ('amount__gt', 0)), _connector='OR'), name='care_line_payment_has_rate'),
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('line_type', 'stop'), _negated=True), models.Q(('amount', 0), models.Q(('stop_reason', ''), _negated=True)), _connector='OR'), name='care_line_stop_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='allowanceline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('line_type', 'adjustment'), _negated=True), ('adjustment__isnull', False), _connector='OR'), name='care_line_adjustment_has_source'),
        ),
        migrations.AddConstraint(
            model_name='confirmationwindow',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='care_window_dates'),
        ),
        migrations.RunPython(add_rates, remove_rates),
        migrations.RunSQL(LINES_ARE_FINAL, LINES_ARE_FINAL_UNDO),
    ]
