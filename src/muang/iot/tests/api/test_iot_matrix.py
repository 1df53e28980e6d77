"""Every staff iot endpoint × every kind of caller (muang.testing.authz). Reading devices is the engineering
duty's (and the executive's, the administrator's and an `iot:read` token's); the device's own telemetry POST
is declared public (a device authenticates itself) and tested in test_telemetry_post.py."""

from dataclasses import dataclass

import pytest

from muang.core.models import AuditEntry
from muang.iot.tests.factories import air_profile, device
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world, give_duties


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None


ORG = "/api/v1/organizations/{org}/iot"
READERS = frozenset({"officer", "privileged", "token"})
ENDPOINTS = [
    Endpoint("GET", ORG + "/profiles", READERS),
    Endpoint("GET", ORG + "/devices", READERS),
    Endpoint("GET", ORG + "/devices/{device}/latest", READERS),
    Endpoint(
        "GET",
        ORG + "/devices/{device}/telemetry?key=pm25&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z",
        READERS,
    ),
    # Only the engineering head and the administrator manage devices (the officer is not the head; tokens
    # carry no manage scope).
    Endpoint(
        "POST",
        ORG + "/profiles",
        frozenset({"privileged"}),
        {
            "name": "gauge",
            "keys": [{"key": "level", "unit": "m", "min": -5, "max": 30}],
            "decoder": {"kind": "json"},
        },
    ),
    Endpoint(
        "POST",
        ORG + "/devices",
        frozenset({"privileged"}),
        {"profile_id": "{profile}", "name": "PM station", "serial": "AQ-NEW", "lat": 16.54, "lon": 102.1},
    ),
    Endpoint("GET", ORG + "/settings", READERS),
    Endpoint("PUT", ORG + "/settings", frozenset({"privileged"}), {"retention_days": 90}),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", "engineering")  # the officer of กองช่าง
    world.device, _ = device(world.org, air_profile(world.org))
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    path = endpoint.path.format(org=world.org.slug, device=world.device.pk)
    body = endpoint.body
    if body and body.get("profile_id") == "{profile}":
        body = {**body, "profile_id": world.device.profile_id}
    response = world.call(principal, endpoint.method, path, body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed or endpoint.method == "GET":
        assert AuditEntry.objects.count() == before, "a refused call or a read writes nothing"


@pytest.mark.django_db
def test_an_officer_of_another_department_reads_no_device(world):
    membership = world.users["officer"].memberships.select_related("department").get(organization=world.org)
    membership.department.duties = ["finance"]  # the officer moves to the finance department
    membership.department.save(update_fields=["duties"])
    response = world.call("officer", "GET", f"/api/v1/organizations/{world.org.slug}/iot/devices")
    assert response.status_code == 403


@pytest.mark.django_db
def test_another_organisations_device_is_not_found(world):
    from muang.iot.tests.factories import air_profile as profile_of

    other_device, _ = device(world.other_org, profile_of(world.other_org), serial="AQ-9")
    response = world.call(
        "privileged", "GET", f"/api/v1/organizations/{world.org.slug}/iot/devices/{other_device.pk}/latest"
    )
    assert response.status_code == 404
