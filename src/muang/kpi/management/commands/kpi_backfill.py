"""`manage.py kpi_backfill [--months 24] [--until 2569-03] [--organization SLUG ...] [--workers N]`: the monthly
snapshots and roll-ups of past months, from what the modules hold (after installing Muang on a city whose modules
already hold history, or after adding an app: the dashboards and roll-ups then have their trend). Idempotent: a
month already snapshotted keeps its figures (a correction is the audited recompute on /kpi/manage/)."""

import os

from django.core.management.base import BaseCommand, CommandError

from muang.core.errors import InvalidInput
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.kpi import services


class Command(BaseCommand):
    help = "Snapshot and roll up the KPIs of past months (what is missing of them; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months", type=int, default=12, help=f"how many months (1-{services.MAX_BACKFILL_MONTHS})"
        )
        parser.add_argument(
            "--until",
            default="",
            help="the last month, 2569-03 (Buddhist Era) or 2026-03; default: last month",
        )
        parser.add_argument(
            "--organization", action="append", default=[], help="a local government's slug (repeatable)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=max(1, min(services.SNAPSHOT_WORKERS, os.cpu_count() or 1)),
            help="worker processes measuring the organisations",
        )

    def handle(self, *args, **options):
        until = None
        if options["until"]:
            try:
                until = services.parse_month(options["until"])
            except ValueError as e:
                raise CommandError("write --until as 2569-03 (Buddhist Era) or 2026-03") from e
        organizations = None
        if options["organization"]:
            slugs = options["organization"]
            organizations = list(
                Organization.objects.filter(slug__in=slugs, is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS)
            )
            missing = sorted(set(slugs) - {o.slug for o in organizations})
            if missing:
                raise CommandError(f"no active local government {', '.join(missing)}")
        try:
            result = services.backfill(
                months=options["months"],
                until=until,
                organizations=organizations,
                workers=max(1, options["workers"]),
            )
        except InvalidInput as e:
            raise CommandError(str(e.detail)) from e
        self.stdout.write(
            f"{result['months']} months: {result['rows']} figures written, "
            f"{result['refreshed']} roll-ups rewritten"
        )
