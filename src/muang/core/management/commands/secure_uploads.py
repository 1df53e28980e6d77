"""Move images stored before private files existed into the current scheme (see muang.core.legacy_uploads)."""

from django.core.management.base import BaseCommand

from muang.core.legacy_uploads import secure_legacy_uploads


class Command(BaseCommand):
    help = (
        "Re-encode stored images without metadata under random names, move private ones out of MEDIA_ROOT "
        "(idempotent; run by muang_setup)."
    )

    def handle(self, *args, **options):
        report = secure_legacy_uploads()
        if options["verbosity"] >= 1:
            for what, counts in report.items():
                if counts:
                    done = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                    self.stdout.write(f"uploads: {what}: {done}")
