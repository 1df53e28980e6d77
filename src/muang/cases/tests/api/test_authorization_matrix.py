"""Every case endpoint × every kind of caller (see muang.testing.authz).

The matrix officer works in another department than the cases: they may read the queue and the cases, not
work them. The matrix token holds every scope, `cases:read` and `cases:write` included, so it does all of it in its
own organisation (a token is not bound to a department); scope by scope: test_token_scopes.py.
"""

from dataclasses import dataclass

import pytest

from muang.cases.tests.api.conftest import jpeg
from muang.core.models import AuditEntry
from muang.testing.authz import PRINCIPALS, assert_matrix_cell

READERS = frozenset({"officer", "privileged", "token"})
WORKERS = frozenset({"privileged", "token"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {org}, {other}, {case}, {original}, {resolved} are filled in from the world
    allowed: frozenset[str]
    body: dict | None = None
    multipart: bool = False

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PATCH", "PUT", "DELETE")


ENDPOINTS = [
    Endpoint("GET", "/api/v1/organizations/{org}/cases", READERS),
    Endpoint(
        "POST",
        "/api/v1/organizations/{org}/cases",
        READERS,  # any officer may take a call and file it; the case goes to the category's department
        {
            "category": "streetlight",
            "description": "โทรแจ้งไฟถนนดับหน้าวัด",
            "channel": "phone",
            "contact_phone": "0812345678",
        },
    ),
    Endpoint("GET", "/api/v1/organizations/{org}/cases?shared=true", READERS),
    Endpoint("GET", "/api/v1/organizations/{org}/case-categories", READERS),
    Endpoint("GET", "/api/v1/organizations/{org}/case-statuses", READERS),
    Endpoint("GET", "/api/v1/cases/{case}", READERS),
    Endpoint("POST", "/api/v1/cases/{case}/assign", WORKERS, {"assignee": "{assignee}"}),
    Endpoint("POST", "/api/v1/cases/{case}/status", WORKERS, {"status": "in_progress", "message": "กำลังไป"}),
    Endpoint("POST", "/api/v1/cases/{case}/notes", WORKERS, {"message": "รออะไหล่", "public": False}),
    Endpoint(
        "POST", "/api/v1/cases/{case}/photos", WORKERS, {"kind": "after", "message": "x"}, multipart=True
    ),
    Endpoint("POST", "/api/v1/cases/{case}/category", WORKERS, {"category": "road"}),
    Endpoint("POST", "/api/v1/cases/{resolved}/rating", WORKERS, {"stars": 5, "comment": "ดีมาก"}),
    Endpoint("POST", "/api/v1/cases/{resolved}/reopen", WORKERS, {"reason": "ดับอีกแล้ว"}),
    Endpoint("POST", "/api/v1/cases/{case}/duplicate", WORKERS, {"original": "{original}"}),
    Endpoint(
        "POST", "/api/v1/cases/{case}/forward", WORKERS, {"organization": "{other}", "reason": "ของ อบจ."}
    ),
    Endpoint("POST", "/api/v1/cases/{case}/invitations", WORKERS, {"organization": "{other}"}),
]


def _call(cw, principal: str, endpoint: Endpoint):
    path = cw.fill(endpoint.path)
    body = {k: cw.fill(v) if isinstance(v, str) else v for k, v in (endpoint.body or {}).items()} or None
    if not endpoint.multipart:
        return cw.world.call(principal, endpoint.method, path, body)
    client = cw.world.client_for(principal)
    return client.post(path, data={**(body or {}), "files": [jpeg()]}, **cw.world.headers_for(principal))


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(cw, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    response = _call(cw, principal, endpoint)
    assert_matrix_cell(cw.world, principal, endpoint.allowed, response, writes=endpoint.writes)
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call must write nothing"
    elif endpoint.writes:
        assert AuditEntry.objects.count() > before, "every staff write lands in the audit log"


def test_every_case_operation_is_in_the_matrix():
    """A new endpoint without a row here fails: the matrix must cover the whole router."""
    from muang.cases.api import router

    operations = {
        (method, path)
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    covered = set()
    for endpoint in ENDPOINTS:
        path = endpoint.path.removeprefix("/api/v1").split("?")[0]
        for placeholder, name in (
            ("{org}", "{slug}"),
            ("{case}", "{code}"),
            ("{resolved}", "{code}"),
        ):
            path = path.replace(placeholder, name)
        covered.add((endpoint.method, path))
    assert operations <= covered, operations - covered
