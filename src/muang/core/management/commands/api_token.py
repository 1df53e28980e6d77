"""API tokens from the shell, for integrations and scripts (the platform acts, and the audit log says so):

    manage.py api_token create --org chumphae --scopes iot:read cases:read --name "flood dashboard"
    manage.py api_token list --org chumphae

`create` prints the secret once (only its hash is stored); scopes are those the installed apps declare."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.models import ApiToken, Organization
from muang.core.services import api_token_create


class Command(BaseCommand):
    help = "Create or list an organisation's API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print its secret once")
        create.add_argument("--org", required=True, help="the organisation's slug")
        create.add_argument(
            "--scopes", required=True, nargs="+", help="scope codes (space or comma separated)"
        )
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument(
            "--expires-at", default=None, help="ISO 8601 time with its zone, e.g. 2027-01-01T00:00+07:00"
        )
        listing = sub.add_parser("list", help="the organisation's tokens (never their secrets)")
        listing.add_argument("--org", required=True)

    def _organization(self, slug: str) -> Organization:
        organization = Organization.objects.filter(slug=slug, is_active=True).first()
        if organization is None:
            raise CommandError(f"No active organisation {slug!r}.")
        return organization

    def handle(self, *args, **options):
        organization = self._organization(options["org"])
        if options["action"] == "list":
            for token in ApiToken.objects.filter(organization=organization).order_by("-created_at"):
                state = "revoked" if token.revoked_at else "live"
                self.stdout.write(f"{token.prefix}\t{state}\t{','.join(token.scopes)}\t{token.name}")
            return
        scopes = [s for part in options["scopes"] for s in part.split(",") if s]
        expires_at = None
        if options["expires_at"]:
            try:
                expires_at = dt.datetime.fromisoformat(options["expires_at"])
            except ValueError as e:
                raise CommandError("--expires-at is an ISO 8601 time, e.g. 2027-01-01T00:00+07:00") from e
        try:
            token, secret = api_token_create(
                actor=SYSTEM,
                organization=organization,
                name=options["name"],
                scopes=scopes,
                expires_at=expires_at,
            )
        except InvalidInput as e:
            fields = ", ".join(f"--{f.replace('_', '-')}" for f in e.field_errors if f != "__all__")
            raise CommandError(f"{fields}: {e.detail}" if fields else e.detail) from e
        self.stderr.write(
            f"token {token.prefix} for {organization.slug}: {', '.join(token.scopes)} (shown once)"
        )
        self.stdout.write(secret)
