import json

from django.core.management.base import BaseCommand

from muang.api import api


class Command(BaseCommand):
    help = "Print the OpenAPI schema of /api/v1 (committed as docs/openapi.json; a test compares them)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True))
