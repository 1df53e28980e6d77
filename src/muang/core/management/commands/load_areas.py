"""Load Thailand's 77 provinces, 928 districts and 7,436 subdistricts (DOPA codes) from the geothai package."""

from django.core.management.base import BaseCommand
from django.db import transaction

from muang.core.areas import load_areas


class Command(BaseCommand):
    help = "Load or update the Thai administrative areas from geothai (idempotent)."

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 1
        with transaction.atomic():
            counts = load_areas(progress=self.stdout if verbose else None)
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    "areas: {provinces} provinces, {districts} districts, {subdistricts} subdistricts "
                    "({changed} added or changed)".format(**counts)
                )
            )
