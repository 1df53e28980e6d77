from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the Chumphae demo once (organisations and staff, then each app's demo data); deterministic."

    def handle(self, *args, **options):
        # Each loader is idempotent and returns something truthy when it created anything.
        for path in settings.MUANG_DEMO_LOADERS:
            created = import_string(path)()
            if options["verbosity"] >= 1:
                label = path.rsplit(".", 1)[-1]
                self.stdout.write(f"{label}: {'loaded ' + str(created) if created else 'already loaded'}")
