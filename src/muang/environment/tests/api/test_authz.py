"""Every environment endpoint × every kind of caller (muang.testing.authz), and what the public may read."""

from dataclasses import dataclass

import pytest

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.environment.services import station_create
from muang.iot.tests.factories import air_profile, device, gauge_profile
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None


STAFF = frozenset({"privileged", "token"})
ORG = "/api/v1/organizations/{org}/environment/stations"
ENDPOINTS = [
    Endpoint("GET", ORG, STAFF),
    Endpoint("GET", ORG + "/{station}/history", STAFF),
    Endpoint(
        "POST",
        ORG,
        frozenset({"privileged"}),
        {"device_id": 0, "kind": "water", "name": "ระดับน้ำ สะพาน", "alert_level": 3.0, "danger_level": 4.0},
    ),
    Endpoint("PATCH", ORG + "/{station}", frozenset({"privileged"}), {"name": "สถานีอากาศ ตลาดใหม่"}),
]


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(areas):
    world = build_world()
    org = world.org
    air, _c = device(org, air_profile(org), serial="AQ-01", lat=16.54, lon=102.1)
    world.gauge, _c = device(org, gauge_profile(org), serial="G-01", lat=16.55, lon=102.1)
    world.station = station_create(
        actor=SYSTEM, organization=org, device_id=air.pk, kind="air", name="สถานีอากาศ"
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    path = endpoint.path.format(org=world.org.slug, station=world.station.pk)
    body = endpoint.body
    if body and "device_id" in body:
        body = {**body, "device_id": world.gauge.pk}
    response = world.call(principal, endpoint.method, path, body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call writes nothing"
