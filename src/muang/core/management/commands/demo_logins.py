from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from muang.core import registry
from muang.core.demo import DEMO_LOGINS
from muang.core.models import User


class Command(BaseCommand):
    help = "Print the URL and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options):
        url = options["url"]
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS(f"Muang is running: {url}"))
        w(f"  API docs: {url}api/v1/docs    admin: {url}admin/    health: {url}readyz")
        present = set(
            User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list(
                "username", flat=True
            )
        )
        if present:
            w(f"\nDemo logins (password for all: {settings.MUANG_DEMO_PASSWORD}):")
            for d in DEMO_LOGINS:
                if d.username in present:
                    w(f"  {d.username:<20} {d.role:<16} {d.organization:<34} {d.note}")
        for describe in registry.collected("demo_logins"):  # each app's own demo accounts, when loaded
            for line in import_string(describe)(url):
                w(line)
        w("\nStop with: make stop\n")
