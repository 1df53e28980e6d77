"""Import a bank's bill-payment statement from the command line (e.g. a file fetched by a cron job)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from muang.billing.bank_formats import FORMATS
from muang.billing.services.reconciliation import bank_statement_import
from muang.core.access import SYSTEM
from muang.core.errors import MuangError
from muang.core.form_errors import error_lines
from muang.core.models import Organization


class Command(BaseCommand):
    help = "Import a bank statement CSV for an organisation: exact matches are applied, the rest reported."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="the organisation's slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", default="muang", choices=sorted(FORMATS))

    def handle(self, *args, organization, file, format, **options):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organisation {organization!r}.")
        try:
            statement = bank_statement_import(
                actor=SYSTEM, organization=org, data=file.read_bytes(), filename=file.name, bank_format=format
            )
        except MuangError as e:
            detail = "; ".join(error_lines(e))
            raise CommandError(detail) from e
        for status, figures in statement.summary.items():
            self.stdout.write(f"{status:>13}: {figures['lines']:>7} lines  {figures['amount']:>16} baht")
        self.stdout.write(f"import {statement.pk}: {statement.applied_amount} baht applied")
