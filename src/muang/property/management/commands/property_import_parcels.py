"""`manage.py property_import_parcels ORG FILE [--srid 24047] [--commit --reason "..."]`: dry run by default."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from muang.core.access import SYSTEM
from muang.core.errors import MuangError
from muang.core.form_errors import error_lines
from muang.core.models import Organization
from muang.property.registry.services.imports import parcel_import


class Command(BaseCommand):
    help = "Check (default) or import parcels from GeoJSON, CSV/Excel or a zipped Shapefile."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="organisation slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--srid", type=int, help="coordinate system of the file, e.g. 24047 (Land Office)"
        )
        parser.add_argument("--default-use", help="use for rows without one")
        parser.add_argument("--commit", action="store_true", help="import (otherwise a dry run)")
        parser.add_argument(
            "--skip-rejected", action="store_true", help="import the good rows, skip the others"
        )
        parser.add_argument("--reason", default="", help="why (kept in the history); needed with --commit")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"no organisation {options['organization']}")
        path: Path = options["file"]
        try:
            report = parcel_import(
                actor=SYSTEM,
                organization=organization,
                data=path.read_bytes(),
                filename=path.name,
                srid=options["srid"],
                dry_run=not options["commit"],
                skip_rejected=options["skip_rejected"],
                default_use=options["default_use"],
                reason=options["reason"],
            )
        except MuangError as e:
            if e.field_errors:
                for line in error_lines(e):
                    self.stderr.write(line)
            raise CommandError(e.detail) from e
        for r in report.rejected:
            self.stdout.write(f"row {r.row} {r.key} {r.field}: {r.message}")
        mode = "dry run" if report.dry_run else f"imported {report.imported} (batch {report.batch_id})"
        self.stdout.write(
            f"{report.rows_total} rows, {report.accepted} accepted, {report.rejected_rows} rejected; {mode}"
        )
