"""The authorisation matrix (STYLE.md §8): every endpoint is called by every kind of caller.

    anonymous        nobody signed in, no token
    outsider         a signed-in account with no membership (what a citizen is to the staff API)
    officer          an officer of the organisation, without extra permissions
    privileged       the organisation's system administrator (every permission)
    other_org        the system administrator of another organisation
    token            an API token of the organisation with every scope
    token_other_org  an API token of another organisation with every scope
    token_revoked    a revoked token of the organisation

An endpoint declares which callers succeed; every other caller must get 401 (no valid credentials)
or 403 (valid but not allowed) as problem+json, and nothing may be written.

The Django admin is walked the same way (`ADMIN_PRINCIPALS`, core/tests/test_admin_authorization.py): there
the officer and both system administrators are `is_staff` (the worst case: a staff flag given to an officer),
and the platform's superuser joins them.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Organization, Role, User
from muang.core.registry import permission_table
from muang.core.services import api_token_create, api_token_revoke

PRINCIPALS = (
    "anonymous",
    "outsider",
    "officer",
    "privileged",
    "other_org",
    "token",
    "token_other_org",
    "token_revoked",
)
UNAUTHENTICATED = frozenset({"anonymous", "token_revoked"})
ADMIN_PRINCIPALS = ("anonymous", "outsider", "officer", "privileged", "other_org", "superuser")


@dataclass
class World:
    org: Organization
    other_org: Organization
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def client_for(self, principal: str) -> Client:
        client = Client()
        if principal in self.users:
            client.force_login(self.users[principal])
        return client

    def headers_for(self, principal: str) -> dict[str, str]:
        secret = self.tokens.get(principal)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def call(self, principal: str, method: str, path: str, body: dict | None = None):
        client = self.client_for(principal)
        kwargs = self.headers_for(principal)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method.lower())(path, **kwargs)


def build_world() -> World:
    from muang.core.tests.factories import OrganizationFactory, UserFactory, member

    org = OrganizationFactory()
    other = OrganizationFactory()
    world = World(org=org, other_org=other)
    world.users["outsider"] = UserFactory()
    world.users["officer"] = member(org, Role.OFFICER)
    world.users["privileged"] = member(org, Role.SYSTEM_ADMIN)
    world.users["other_org"] = member(other, Role.SYSTEM_ADMIN)
    all_scopes = list(permission_table().scopes)
    _, world.tokens["token"] = api_token_create(actor=SYSTEM, organization=org, name="all", scopes=all_scopes)
    _, world.tokens["token_other_org"] = api_token_create(
        actor=SYSTEM, organization=other, name="all", scopes=all_scopes
    )
    revoked, world.tokens["token_revoked"] = api_token_create(
        actor=SYSTEM, organization=org, name="old", scopes=all_scopes
    )
    api_token_revoke(actor=SYSTEM, token=revoked)
    return world


def build_admin_world() -> World:
    """The world of the admin matrix: staff flags on the officer and the administrators, plus a superuser."""
    from muang.core.tests.factories import UserFactory

    world = build_world()
    for principal in ("officer", "privileged", "other_org"):
        user = world.users[principal]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    world.users["superuser"] = UserFactory(is_staff=True, is_superuser=True)
    return world


def give_duties(world: World, principal: str, *duties: str) -> None:
    """The principal's department (in the world's organisation) holds these duties: the tax officer of a
    registry matrix, the cashier of a billing one."""
    membership = world.users[principal].memberships.select_related("department").get(organization=world.org)
    department = membership.department
    department.duties = sorted({*department.duties, *duties})
    department.save(update_fields=["duties"])


def assert_matrix_cell(world: World, principal: str, allowed: set[str], response, *, writes: bool) -> None:
    if principal in allowed:
        assert response.status_code < 400, (principal, response.status_code, response.content[:500])
        return
    expected = 401 if principal in UNAUTHENTICATED else 403
    # A signed-in outsider or another organisation's caller has valid credentials but no access.
    assert response.status_code == expected, (principal, response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == expected and body["title"] and body["detail"]


@dataclass(frozen=True)
class Endpoint:
    """One operation of a matrix: who succeeds (`allowed`); `path` and `body` may name the world's rows as
    "{name}" (filled by `call_endpoint`)."""

    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def fill(value, values: Mapping[str, object]):
    """`value` with every string that is exactly "{name}" replaced by `values[name]`, in dicts and lists too."""
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in values:
        return values[value[1:-1]]
    return value


def call_endpoint(world: World, principal: str, endpoint: Endpoint, **values):
    """The endpoint called by `principal`: the path formatted with the world's organisation (`{org}`) and
    `values`, the body filled with `values`."""
    path = endpoint.path.format(org=world.org.slug, **values)
    return world.call(principal, endpoint.method, path, fill(endpoint.body, values))


def check_endpoint(world: World, principal: str, endpoint: Endpoint, **values):
    """One cell of the matrix: the call succeeds for an allowed caller; any other gets 401/403 problem+json
    and writes nothing (no audit entry). Returns the response."""
    before = audit_count()
    response = call_endpoint(world, principal, endpoint, **values)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.writes)
    if principal not in endpoint.allowed:
        assert audit_count() == before, "a refused call writes nothing"
    return response


def audit_count() -> int:
    return AuditEntry.objects.count()
