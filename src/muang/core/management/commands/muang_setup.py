"""One process for the database steps of `make run` (each Django start-up costs a second)."""

import geothai
from django.core.management import call_command
from django.core.management.base import BaseCommand

from muang.core.models import Subdistrict


class Command(BaseCommand):
    help = "Migrate, secure stored uploads, collect static files, load the Thai areas when incomplete, and (with --demo) the demo."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the Chumphae demo (once)")
        parser.add_argument("--no-static", action="store_true")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        # Images stored by an earlier version: re-encoded, renamed and moved out of the public media.
        call_command("secure_uploads")
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        expected = sum(
            len(geothai.subdistricts(d.code)) for p in geothai.provinces() for d in geothai.districts(p.code)
        )
        if Subdistrict.objects.count() != expected:
            call_command("load_areas")
        if options["demo"]:
            call_command("load_demo")
