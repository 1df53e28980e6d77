from django.db import migrations


class Migration(migrations.Migration):
    """Leave half of each page of bills free, so that PostgreSQL can update a bill in place when it is paid
    (a HOT update: no index changes; no indexed column changes on payment). A bank statement pays up to
    100,000 bills at once; without room on the page every payment would rewrite every index of the bill."""

    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE billing_bill SET (fillfactor = 50);",
            "ALTER TABLE billing_bill RESET (fillfactor);",
        )
    ]
