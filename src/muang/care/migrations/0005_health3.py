"""health3: the payment run's lines no longer have their run and right checked per row by foreign keys (the
run's INSERT … SELECT takes both from the rows it joins; the two checks cost as much as writing the lines).
What the keys guarded in the database stays guarded: deleting a run or a right that has lines is refused by a
trigger (a line is never removed either: 0003's trigger)."""

import django.db.models.deletion
from django.db import migrations, models


KEEP_WHAT_LINES_POINT_TO = """
CREATE FUNCTION care_allowance_run_keep_lined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM care_allowanceline WHERE run_id = OLD.id) THEN
        RAISE EXCEPTION 'allowance run % has allowance lines and cannot be removed', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE FUNCTION care_allowance_right_keep_lined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM care_allowanceline WHERE person_id = OLD.person_id AND right_id = OLD.id) THEN
        RAISE EXCEPTION 'allowance right % has allowance lines and cannot be removed', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER care_allowance_run_keep_lined BEFORE DELETE ON care_allowancerun
    FOR EACH ROW EXECUTE FUNCTION care_allowance_run_keep_lined();
CREATE TRIGGER care_allowance_right_keep_lined BEFORE DELETE ON care_allowanceright
    FOR EACH ROW EXECUTE FUNCTION care_allowance_right_keep_lined();
"""
KEEP_WHAT_LINES_POINT_TO_UNDO = """
DROP TRIGGER IF EXISTS care_allowance_run_keep_lined ON care_allowancerun;
DROP TRIGGER IF EXISTS care_allowance_right_keep_lined ON care_allowanceright;
DROP FUNCTION IF EXISTS care_allowance_run_keep_lined();
DROP FUNCTION IF EXISTS care_allowance_right_keep_lined();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0004_visits'),
    ]

    operations = [
        migrations.AlterField(
            model_name='allowanceline',
            name='right',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='care.allowanceright'),
        ),
        migrations.AlterField(
            model_name='allowanceline',
            name='run',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='care.allowancerun'),
        ),
        migrations.RunSQL(KEEP_WHAT_LINES_POINT_TO, KEEP_WHAT_LINES_POINT_TO_UNDO),
    ]
