"""manage.py iot_lorawan: the webhook secret (shown once, rotated) and the ChirpStack API for downlinks."""

import io

import pytest
from django.core.management import CommandError, call_command

from muang.iot.lorawan.models import LorawanIntegration
from muang.iot.tests.lorawan_fixtures import post, recorded

URL = "/lorawan/chirpstack/khonkaen?event=up"


def secret_of(slug: str) -> str:
    out = io.StringIO()
    call_command("iot_lorawan", "secret", "--org", slug, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_a_rotated_secret_replaces_the_old_one_and_only_its_hash_is_kept(city):
    org, first, _gauge, _air = city
    second = secret_of("khonkaen")
    assert second.startswith("mlw_") and second != first
    row = LorawanIntegration.objects.get(organization=org)
    assert second not in row.secret_sha256 and len(row.secret_sha256) == 64
    assert post(URL, recorded("chirpstack_up_data"), first).status_code == 401
    assert post(URL, recorded("chirpstack_up_data"), second).status_code == 200


def test_the_chirpstack_token_is_read_from_stdin_not_argv(city, monkeypatch):
    org, _secret, _gauge, _air = city
    monkeypatch.setattr("sys.stdin", io.StringIO("api-token-1\n"))
    call_command(
        "iot_lorawan",
        "chirpstack-api",
        "--org",
        "khonkaen",
        "--url",
        "https://cs.example.go.th/",
        stdout=io.StringIO(),
    )
    row = LorawanIntegration.objects.get(organization=org)
    assert (row.chirpstack_api_url, row.chirpstack_api_token) == ("https://cs.example.go.th", "api-token-1")


@pytest.mark.parametrize(
    "args", [("secret", "--org", "nowhere"), ("chirpstack-api", "--org", "khonkaen", "--url", "ftp://x")]
)
def test_bad_arguments_are_refused(city, args):
    with pytest.raises(CommandError):
        call_command("iot_lorawan", *args, stdout=io.StringIO())
