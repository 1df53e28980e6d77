"""Property-based fuzzing of the whole /api/v1 schema (schemathesis): no operation ever answers a server error,
and every answer conforms to the schema (refusals are problem+json documents, documented as 4XX).

Each operation runs as the organisation's API token with every scope and as its system administrator's session
(half the cases each), with valid and invalid data (schemathesis' positive and negative modes, NUL characters included), seeded and
derandomised so that every run sends the same requests. Path parameters mostly name the real rows of a small
town (`muang.testing.fuzz`), so that the fuzzed input gets past "not found" into the services.
"""

import hashlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from muang.api import api
from muang.testing.fuzz import build_fuzz_town
from muang.testing.shared_rows import built_once, fresh

SEED = 2569
EXAMPLES_PER_OPERATION = 10
CSRF_SECRET = "FuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzz"  # 32 characters: a valid CSRF cookie and header

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
        },
        "phases": {
            "stateful": {"enabled": False},
            # One unexpected method per operation (a 405 with its Allow header), not all seven.
            "coverage": {"unexpected-methods": ["TRACE"], "generation": {"mode": "positive"}},
        },
        "checks": {
            # Valid data naming rows that do not exist is rightly a 404: not a failure.
            "positive_data_acceptance": {"enabled": False},
            # The schema is generated from the very pydantic models that validate the requests, so the only
            # "invalid" data they accept is pydantic's lax coercion (e.g. as_of=-1e-139 read as 1970-01-01).
            "negative_data_rejection": {"enabled": False},
            # Checks that replay requests outside this test's transaction and credentials.
            "ignored_auth": {"enabled": False},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
KNOWN: dict[str, str] = {}  # filled for each test by the `town` fixture, read by the hook below


def _known_for(path: str, name: str) -> str | None:
    if name == "code":
        for prefix, key in (("/cases/", "case"), ("/parcels/", "parcel"), ("/departments/", "department")):
            if prefix + "{code}" in path:
                return KNOWN.get(key)
        return KNOWN.get("area")
    if name == "number" and "/receipts/" in path:
        return KNOWN.get("receipt")
    return KNOWN.get(name)


@schema.hook
def map_case(context, case):
    """The organisation is always the town's (else everything is a 403); other identifiers name a real row
    three times in four (chosen from the generated value, so the choice is as deterministic as the value).
    Path parameters generated to be invalid (negative mode) are sent as generated."""
    path_info = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
    if not case.path_parameters or (path_info is not None and path_info.mode.is_negative):
        return case
    mapped = dict(case.path_parameters)
    for name, value in case.path_parameters.items():
        known = _known_for(context.operation.path, name)
        if known is None:
            continue
        digest = hashlib.sha256(repr(value).encode()).digest()[0]
        if name == "slug" or digest % 4:
            mapped[name] = known
    case.path_parameters = mapped
    return case


@pytest.fixture(scope="module")
def _town_once(django_db_setup, django_db_blocker):
    """The town is built once for the module: every operation's examples run in a savepoint of its transaction."""
    yield from built_once(django_db_blocker, build_fuzz_town)


@pytest.fixture
def town(_town_once, db, settings):
    town = fresh(_town_once, settings)
    KNOWN.clear()
    KNOWN.update(town.known)
    yield town
    KNOWN.clear()


@pytest.fixture(scope="module")
def app():
    return WSGIHandler()


@pytest.fixture
def in_test_transaction():
    """Django's test client keeps the connection open between requests; the real handler must too, or it would
    close the test's transaction after the first request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(town):
    """(headers, cookies) of the two callers: the token with every scope, the system administrator's session."""
    client = Client()
    client.force_login(town.admin)
    return (
        ({"Authorization": f"Bearer {town.token}"}, {}),
        (
            {"X-CSRFToken": CSRF_SECRET},
            {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
        ),
    )


def _caller(case) -> int:
    """Which of the two callers sends this case: half each, decided by the case's content (deterministic)."""
    content = repr((case.operation.path, case.query, case.body)).encode()  # not the rows' ids: they vary
    return hashlib.sha256(content).digest()[0] % 2


@pytest.mark.django_db
@schema.parametrize()
# The town is shared by an operation's examples, on purpose (and built once for the module).
@settings(suppress_health_check=list(HealthCheck))
def test_api_operation_never_answers_a_server_error(case, app, credentials, in_test_transaction):
    headers, cookies = credentials[_caller(case)]
    case.call_and_validate(app=app, headers=headers, cookies=cookies)
