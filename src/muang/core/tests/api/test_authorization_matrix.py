"""Every core endpoint × every kind of caller (see muang.testing.authz)."""

from dataclasses import dataclass

import pytest

from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import DistrictOfficeFactory, member
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world

EVERYONE_OF_ORG = {"officer", "privileged", "token"}
ADMIN_AND_TOKEN = {"privileged", "token"}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {org}, {other}, {token_id} are filled in from the world
    allowed: frozenset[str]
    body: dict | None = None

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PATCH", "PUT", "DELETE")


AUTHENTICATED = frozenset({"outsider", "officer", "privileged", "other_org", "token", "token_other_org"})

ENDPOINTS = [
    Endpoint("GET", "/api/v1/me", AUTHENTICATED),
    # Any caller lists the organisations it may see (only its own: test_organizations_list_shows_only_own).
    Endpoint("GET", "/api/v1/organizations", AUTHENTICATED),
    Endpoint("GET", "/api/v1/organizations/{org}", frozenset(EVERYONE_OF_ORG)),
    Endpoint("PATCH", "/api/v1/organizations/{org}", frozenset(ADMIN_AND_TOKEN), {"phone": "043-000-000"}),
    Endpoint("GET", "/api/v1/organizations/{org}/departments", frozenset(EVERYONE_OF_ORG)),
    Endpoint(
        "POST",
        "/api/v1/organizations/{org}/departments",
        frozenset(ADMIN_AND_TOKEN),
        {"code": "new-dep", "name_th": "กองใหม่", "name_en": "New Division"},
    ),
    Endpoint(
        "PATCH", "/api/v1/organizations/{org}/departments/{dep}", frozenset(ADMIN_AND_TOKEN), {"phone": "1"}
    ),
    Endpoint("GET", "/api/v1/organizations/{org}/staff", frozenset({"privileged"})),
    Endpoint("GET", "/api/v1/organizations/{org}/audit", frozenset(ADMIN_AND_TOKEN)),
    Endpoint("GET", "/api/v1/organizations/{org}/tokens", frozenset({"privileged"})),
    Endpoint(
        "POST",
        "/api/v1/organizations/{org}/tokens",
        frozenset({"privileged"}),
        {"name": "x", "scopes": ["org:read"]},
    ),
    Endpoint("DELETE", "/api/v1/organizations/{org}/tokens/{token_id}", frozenset({"privileged"})),
]


@pytest.fixture
def world(areas):
    return build_world()


def _fill(path: str, world) -> str:
    token = world.org.api_tokens.filter(revoked_at=None).first()
    dep = world.users["officer"].memberships.get().department
    return path.format(org=world.org.slug, other=world.other_org.slug, token_id=token.pk, dep=dep.code)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    response = world.call(principal, endpoint.method, _fill(endpoint.path, world), endpoint.body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.writes)
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call must write nothing"
    elif endpoint.writes:
        assert AuditEntry.objects.count() == before + 1, "every staff write lands in the audit log"


# The roll-up of a district office: its overseer only (never the local governments' own staff or tokens).
OVERSIGHT_ENDPOINTS = [Endpoint("GET", "/api/v1/organizations/{district}/oversight", frozenset({"overseer"}))]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", OVERSIGHT_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", [*PRINCIPALS, "overseer"])
def test_oversight_authorization(world, endpoint: Endpoint, principal: str):
    district = DistrictOfficeFactory(district_id=world.org.district_id, province_id=world.org.province_id)
    world.users["overseer"] = member(district, Role.OVERSEER)
    response = world.call(principal, endpoint.method, endpoint.path.format(district=district.slug))
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=False)
    if principal == "overseer":
        assert world.org.slug in {row["organization"]["slug"] for row in response.json()}


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_organizations_list_shows_only_own(world, principal):
    response = world.call(principal, "GET", "/api/v1/organizations")
    if principal in {"anonymous", "token_revoked"}:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    slugs = {o["slug"] for o in response.json()["items"]}
    if principal in {"officer", "privileged", "token"}:
        assert slugs == {world.org.slug}
    elif principal in {"other_org", "token_other_org"}:
        assert slugs == {world.other_org.slug}
    else:
        assert slugs == set()
