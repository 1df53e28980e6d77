from django.core.management.base import BaseCommand

from muang.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the Chumphae demo (organisations, departments, staff) once; deterministic."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS("demo loaded: อำเภอชุมแพ, จังหวัดขอนแก่น"))
        elif options["verbosity"] >= 1:
            self.stdout.write("demo already loaded")
