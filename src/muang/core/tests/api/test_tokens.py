"""API tokens: per organisation, scoped, revocable, stored hashed."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.core.access import SYSTEM
from muang.core.models import ApiToken, AuditEntry, Role
from muang.core.services import api_token_create
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_admin_creates_a_token_whose_secret_is_shown_once_and_stored_hashed(client, org):
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    response = client.post(
        f"/api/v1/organizations/{org.slug}/tokens",
        data={"name": "LINE OA", "scopes": ["org:read"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    secret = response.json()["secret"]
    token = ApiToken.objects.get()
    assert secret not in token.key_hash and len(token.key_hash) == 64
    assert AuditEntry.objects.get(object_type="core.ApiToken").changes["key_hash"] == [None, "***"]
    listing = client.get(f"/api/v1/organizations/{org.slug}/tokens").json()
    assert "secret" not in listing[0]
    # The secret works, for its own organisation only.
    assert client.get(f"/api/v1/organizations/{org.slug}", **bearer(secret)).status_code == 200


def test_scopes_limit_what_a_token_may_do(client, org):
    _, secret = api_token_create(actor=SYSTEM, organization=org, name="ro", scopes=["org:read"])
    c = client.__class__()
    assert c.get(f"/api/v1/organizations/{org.slug}", **bearer(secret)).status_code == 200
    response = c.patch(
        f"/api/v1/organizations/{org.slug}",
        data={"phone": "1"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert c.get(f"/api/v1/organizations/{org.slug}/audit", **bearer(secret)).status_code == 403


@pytest.mark.parametrize("mangle", ["revoke", "expire", "typo", "garbage", "deactivate"])
def test_unusable_tokens_get_401_and_read_nothing(client, org, mangle):
    token, secret = api_token_create(actor=SYSTEM, organization=org, name="t", scopes=["org:read"])
    if mangle == "revoke":
        token.revoked_at = timezone.now()
        token.save()
    elif mangle == "expire":
        token.expires_at = timezone.now() - dt.timedelta(seconds=1)
        token.save()
    elif mangle == "typo":
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    elif mangle == "garbage":
        secret = "not-a-muang-token"
    elif mangle == "deactivate":
        org.is_active = False
        org.save()
    response = client.get(f"/api/v1/organizations/{org.slug}", **bearer(secret))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) >= {"type", "title", "status", "detail"}


def test_a_token_cannot_mint_tokens(client, org):
    _, secret = api_token_create(
        actor=SYSTEM, organization=org, name="all", scopes=["org:read", "org:write", "audit:read"]
    )
    response = client.post(
        f"/api/v1/organizations/{org.slug}/tokens",
        data={"name": "x", "scopes": ["org:read"]},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_bad_token_requests_are_refused_with_field_errors(client, org):
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    url = f"/api/v1/organizations/{org.slug}/tokens"
    r = client.post(url, data={"name": "x", "scopes": ["root"]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("scopes")
    r = client.post(
        url,
        data={"name": "x", "scopes": ["org:read"], "expires_at": "2000-01-01T00:00:00+07:00"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "expires_at"
    assert not ApiToken.objects.exists()


def test_revoking_twice_is_a_conflict(client, org):
    client.force_login(member(org, Role.SYSTEM_ADMIN))
    token, _ = api_token_create(actor=SYSTEM, organization=org, name="t", scopes=["org:read"])
    url = f"/api/v1/organizations/{org.slug}/tokens/{token.pk}"
    assert client.delete(url).status_code == 200
    assert client.delete(url).status_code == 409
