from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from muang.core import registry


class Command(BaseCommand):
    help = (
        "Load the Chumphae demo once: every installed app's demo loaders (AppContract.demo), each after those "
        "it depends on; deterministic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", default=[], metavar="NAME", help="run only this loader (repeatable)"
        )
        parser.add_argument("--list", action="store_true", help="print the loaders in order and stop")

    def handle(self, *args, **options):
        loaders = registry.demo_loaders()
        if options["list"]:
            for loader in loaders:
                self.stdout.write(f"{loader.name}  {loader.loader}")
            return
        if unknown := set(options["only"]) - {loader.name for loader in loaders}:
            raise CommandError(f"no demo loader {', '.join(sorted(unknown))}")
        # Each loader is idempotent and returns something truthy when it created anything.
        for loader in loaders:
            if options["only"] and loader.name not in options["only"]:
                continue
            created = import_string(loader.loader)()
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{loader.name}: {'loaded ' + str(created) if created else 'already loaded'}"
                )
