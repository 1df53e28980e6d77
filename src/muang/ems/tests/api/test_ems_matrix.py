"""Every EMS endpoint × every kind of caller (muang.testing.authz): only the EMS duty's staff and the
organisation's EMS tokens; a plain officer, a citizen and another organisation get nothing."""

import pytest

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Duty
from muang.ems.services.incidents import incident_create
from muang.ems.services.units import unit_create
from muang.testing.authz import PRINCIPALS, Endpoint, build_world, call_endpoint, check_endpoint, give_duties

ORG = "/api/v1/organizations/{org}/ems"
READERS = frozenset({"officer", "privileged", "token"})
ENDPOINTS = [
    Endpoint("GET", ORG + "/incidents", READERS),
    Endpoint("GET", ORG + "/incidents?open_only=true&colour=red", READERS),
    Endpoint("GET", ORG + "/incidents/{incident}", READERS),
    Endpoint("GET", ORG + "/incidents/{incident}/ranking", READERS),
    Endpoint("GET", ORG + "/units", READERS),
    Endpoint(
        "POST",
        ORG + "/incidents",
        READERS,
        {"caller_name": "สมศรี", "caller_phone": "081", "lat": 16.54, "lon": 102.1, "criterion": "6-red-1"},
    ),
    Endpoint("POST", ORG + "/incidents/{incident}/dispatch", READERS, {"unit_id": "{unit}"}),
    Endpoint("POST", ORG + "/incidents/{incident}/steps", frozenset(), {"step": "rolling"}),
    Endpoint("POST", ORG + "/units/{unit}/status", READERS, {"status": "out_of_service"}),
    Endpoint(
        "POST", ORG + "/units", frozenset({"privileged"}), {"call_sign": "B9", "lat": 16.55, "lon": 102.1}
    ),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", Duty.EMERGENCY_MEDICAL)
    world.incident = incident_create(
        actor=SYSTEM,
        organization=world.org,
        caller_name="a",
        caller_phone="1",
        lat=16.54,
        lon=102.1,
        criterion="6-red-1",
    )
    world.unit = unit_create(actor=SYSTEM, organization=world.org, call_sign="A1", lat=16.54, lon=102.09)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    rows = {"incident": world.incident.pk, "unit": world.unit.pk}
    if endpoint.path.endswith("/steps") and principal in READERS:
        # Allowed, but rolling before a dispatch is out of the legal order: 409, nothing written.
        before = AuditEntry.objects.count()
        response = call_endpoint(world, principal, endpoint, **rows)
        assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
        assert AuditEntry.objects.count() == before
        return
    check_endpoint(world, principal, endpoint, **rows)


@pytest.mark.django_db
def test_a_token_dispatches_then_a_busy_unit_is_refused_with_409(world):
    path = ORG.format(org=world.org.slug)
    r = world.call(
        "token", "POST", f"{path}/incidents/{world.incident.pk}/dispatch", {"unit_id": world.unit.pk}
    )
    assert r.status_code == 200 and r.json()["unit"] == "A1" and r.json()["step"] == "dispatched"
    r = world.call(
        "token",
        "POST",
        f"{path}/incidents",
        {"caller_name": "b", "caller_phone": "2", "lat": 16.55, "lon": 102.1, "criterion": "7-red-1"},
    )
    assert r.status_code == 201 and r.json()["dispatch_code"] == "7 แดง 1"
    second = r.json()["id"]
    r = world.call("token", "POST", f"{path}/incidents/{second}/dispatch", {"unit_id": world.unit.pk})
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    r = world.call(
        "token",
        "POST",
        f"{path}/incidents",
        {"caller_name": "b", "caller_phone": "2", "criterion": "7-red-1"},
    )
    assert r.status_code == 422 and "location" in r.content.decode()


@pytest.mark.django_db
def test_a_unit_with_a_bad_level_or_a_taken_call_sign_is_422(world):
    path = ORG.format(org=world.org.slug) + "/units"
    r = world.call("privileged", "POST", path, {"call_sign": "A1", "lat": 16.55, "lon": 102.1})
    assert r.status_code == 422 and "call_sign" in r.content.decode()
    r = world.call("privileged", "POST", path, {"call_sign": "B2", "lat": 16.55, "lon": 102.1, "level": "x"})
    assert r.status_code == 422 and "level" in r.content.decode()
