"""Every lighting endpoint × every kind of caller (muang.testing.authz): the engineering duty's officers read and
manage the poles, a `lighting:read` token reads them; citizens (outsiders) and other organisations get nothing."""

import pytest

from muang.core.access import SYSTEM
from muang.core.models import AuditEntry
from muang.lighting.services.poles import pole_create
from muang.testing.authz import PRINCIPALS, Endpoint, assert_matrix_cell, build_world, give_duties

ORG = "/api/v1/organizations/{org}/lighting"
READERS = frozenset({"officer", "privileged", "token"})
ENDPOINTS = [
    Endpoint("GET", ORG + "/poles", READERS),
    Endpoint("GET", ORG + "/poles/{pole}", READERS),
    Endpoint("GET", ORG + "/faults", READERS),
    Endpoint("GET", ORG + "/schedules", READERS),
    Endpoint("GET", ORG + "/energy", READERS),
    Endpoint("GET", ORG + "/energy?month=2026-03-01", READERS),
    Endpoint(
        "PUT",
        ORG + "/schedules/{group}",
        frozenset({"officer", "privileged"}),
        {"steps": [{"anchor": "sunset", "dim_level": 100}, {"anchor": "sunrise", "dim_level": 0}]},
    ),
    Endpoint(
        "POST",
        ORG + "/poles",
        frozenset({"officer", "privileged"}),
        {"code": "P-NEW", "lat": "{lat}", "lon": "{lon}", "rated_watts": 90},
    ),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", "engineering")  # an officer of กองช่าง
    point = world.org.boundary.point_on_surface
    world.point = point
    world.pole = pole_create(
        actor=SYSTEM,
        organization=world.org,
        code="P-1",
        lat=point.y,
        lon=point.x,
        rated_watts=90,
        group="ถนนหลัก",
    )
    world.group = world.pole.group
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    path = endpoint.path.format(org=world.org.slug, pole=world.pole.pk, group=world.group.pk)
    body = endpoint.body
    if body and "code" in body:
        body = {**body, "lat": world.point.y + 0.0003, "lon": world.point.x}
    response = world.call(principal, endpoint.method, path, body)
    assert_matrix_cell(world, principal, endpoint.allowed, response, writes=endpoint.method != "GET")
    if principal not in endpoint.allowed or endpoint.method == "GET":
        assert AuditEntry.objects.count() == before, "a refused call or a read writes nothing"


@pytest.mark.django_db
def test_the_api_names_the_state_as_smart_data_models_streetlight(world):
    response = world.call(
        "token", "GET", f"/api/v1/organizations/{world.org.slug}/lighting/poles/{world.pole.pk}"
    )
    body = response.json()
    assert body["code"] == "P-1" and body["status"] == "ok" and body["ratedPower"] == 90
    assert {"powerState", "dimmingLevel", "powerConsumption", "energy", "lampOperatingHours"} <= set(body)


@pytest.mark.django_db
def test_bad_input_is_a_precise_422_naming_the_field(world):
    response = world.call(
        "privileged",
        "POST",
        f"/api/v1/organizations/{world.org.slug}/lighting/poles",
        {"code": "P-1", "lat": world.point.y, "lon": world.point.x, "rated_watts": 90},
    )
    assert response.status_code in (400, 422) and "code" in response.content.decode()
    response = world.call(
        "privileged",
        "POST",
        f"/api/v1/organizations/{world.org.slug}/lighting/poles",
        {"code": "P-2", "lat": world.point.y, "lon": world.point.x, "rated_watts": 0},
    )
    assert response.status_code in (400, 422) and "rated_watts" in response.content.decode()


@pytest.mark.django_db
def test_another_organisations_pole_is_not_found(world):
    response = world.call(
        "other_org", "GET", f"/api/v1/organizations/{world.other_org.slug}/lighting/poles/{world.pole.pk}"
    )
    assert response.status_code == 404
