from django.conf import settings
from django.core.management.base import BaseCommand

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
        for line in self._taxpayer_demo(url):
            w(line)
        w("\nStop with: make stop\n")

    def _taxpayer_demo(self, url: str) -> list[str]:
        """The demo taxpayer of the self-service pages, when loaded (the one-time code goes to the web log)."""
        from muang.property.models import Owner
        from muang.selfservice import demo

        owner = Owner.objects.filter(
            organization__slug=demo.DEMO_ORG, national_id=demo.DEMO_NATIONAL_ID
        ).first()
        if owner is None:
            return []
        code_goes = "the web log (.data/log/web.log)" if settings.MUANG_SMS_CONSOLE else "the phone on file"
        return [
            f"\nTaxpayer self-service: {url}my-tax/{demo.DEMO_ORG}/  national ID {demo.DEMO_NATIONAL_ID}",
            f"  the one-time sign-in code goes to {code_goes}",
        ]
