"""Set up an organisation's LoRaWAN integration from the shell.

manage.py iot_lorawan secret --org <slug>                 create or rotate the webhook secret (shown once)
manage.py iot_lorawan chirpstack-api --org <slug> --url U  the ChirpStack REST API for downlinks; the API
                                                          token is read from standard input (never argv)
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from muang.core.errors import MuangError
from muang.core.models import Organization
from muang.iot.lorawan.services import chirpstack_api_set, lorawan_secret_rotate


class Command(BaseCommand):
    help = "Create or rotate an organisation's LoRaWAN webhook secret; set its ChirpStack API for downlinks."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["secret", "chirpstack-api"])
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--url", default="", help="chirpstack-api: the REST API's base URL")

    def handle(self, *args, action, org, url, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"no organisation {org!r}")
        if action == "secret":
            secret = lorawan_secret_rotate(organization=organization)
            self.stdout.write(secret)
            self.stderr.write(
                "Set it in the network server's integration as the header X-Muang-Secret (shown once; "
                "the previous secret no longer works)."
            )
            return
        if not url.startswith(("https://", "http://")):
            raise CommandError("--url is the ChirpStack REST API's http(s) base URL")
        token = sys.stdin.readline().strip()
        if not token:
            raise CommandError("give the ChirpStack API token on standard input")
        try:
            chirpstack_api_set(organization=organization, url=url, token=token)
        except MuangError as e:
            raise CommandError(e.detail) from e
        self.stdout.write("ChirpStack API set.")
