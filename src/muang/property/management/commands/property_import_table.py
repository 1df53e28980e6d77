"""`manage.py property_import_table ORG YEAR TABLE FILE [--commit --reason "..."]`: dry run by default."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from muang.core.access import SYSTEM
from muang.core.errors import MuangError
from muang.core.form_errors import error_lines
from muang.property.assessment.services.valuation import TABLES, valuation_table_import
from muang.property.models import TaxYear


class Command(BaseCommand):
    help = "Check (default) or import a valuation table of a tax year from .csv or .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="organisation slug")
        parser.add_argument("year", type=int, help="C.E. tax year")
        parser.add_argument("table", choices=TABLES)
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true")
        parser.add_argument("--replace", action="store_true", help="also delete prices not in the file")
        parser.add_argument("--reason", default="")

    def handle(self, *args, **options):
        tax_year = (
            TaxYear.objects.select_related("organization")
            .filter(organization__slug=options["organization"], year=options["year"])
            .first()
        )
        if tax_year is None:
            raise CommandError(f"no tax year {options['year']} for {options['organization']}")
        path: Path = options["file"]
        try:
            report = valuation_table_import(
                actor=SYSTEM,
                tax_year=tax_year,
                table=options["table"],
                data=path.read_bytes(),
                filename=path.name,
                dry_run=not options["commit"],
                replace=options["replace"],
                reason=options["reason"],
            )
        except MuangError as e:
            if e.field_errors:
                for line in error_lines(e):
                    self.stderr.write(line)
            raise CommandError(e.detail) from e
        for r in report.rejected:
            self.stdout.write(f"row {r.row} {r.key} {r.field}: {r.message}")
        mode = "dry run" if report.dry_run else f"imported {report.imported}"
        self.stdout.write(f"{report.rows_total} rows, {report.rejected_rows} rejected; {mode}")
