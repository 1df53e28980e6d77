"""manage.py api_token: a token created from the shell works on the API with exactly its scopes."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from muang.core.models import ApiToken, AuditEntry
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.usefixtures("areas")


def test_a_token_created_from_the_shell_is_printed_once_and_works():
    org = OrganizationFactory()
    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--org",
        org.slug,
        "--scopes",
        "org:read,iot:read",
        "--name",
        "board",
        stdout=out,
        stderr=io.StringIO(),
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(organization=org)
    assert token.scopes == ["iot:read", "org:read"] and token.name == "board"
    assert secret.startswith(f"muang_{token.prefix}_") and token.key_hash not in secret
    assert AuditEntry.objects.filter(object_type="core.ApiToken", actor_label="system").exists()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(f"/api/v1/organizations/{org.slug}", **auth).status_code == 200
    assert client.get(f"/api/v1/organizations/{org.slug}/iot/devices", **auth).status_code == 200
    assert client.get(f"/api/v1/organizations/{org.slug}/audit", **auth).status_code == 403
    listing = io.StringIO()
    call_command("api_token", "list", "--org", org.slug, stdout=listing)
    assert token.prefix in listing.getvalue() and secret not in listing.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nowhere", "--scopes", "org:read", "--name", "x"], "No active organisation"),
        (["--org", "{org}", "--scopes", "god:mode", "--name", "x"], "--scopes"),
        (["--org", "{org}", "--scopes", "org:read", "--name", " "], "--name"),
        (["--org", "{org}", "--scopes", "org:read", "--name", "x", "--expires-at", "soon"], "ISO 8601"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_created(args, message):
    org = OrganizationFactory()
    with pytest.raises(CommandError, match=message):
        call_command("api_token", "create", *[a.format(org=org.slug) for a in args], stdout=io.StringIO())
    assert not ApiToken.objects.exists()
