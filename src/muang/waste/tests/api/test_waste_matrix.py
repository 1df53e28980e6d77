"""Every waste endpoint × every kind of caller (muang.testing.authz): the public-health duty's officers keep the
accounts, rates and routes and record trips; a `waste:read` token reads them; the billing run and arrears
are the finance department's (here: the system administrator); citizens and other organisations get nothing."""

import datetime as dt

import pytest

from muang.billing.models import BillingProfile
from muang.billing.tests.factories import BILLER_ID
from muang.core.access import SYSTEM
from muang.testing.authz import (
    PRINCIPALS,
    Endpoint,
    build_world,
    check_endpoint,
    give_duties,
)
from muang.waste.services.collection import route_create
from muang.waste.services.rates import rate_schedule_create

ORG = "/api/v1/organizations/{org}/waste"
READERS = frozenset({"officer", "privileged", "token"})
KEEPERS = frozenset({"officer", "privileged"})
ENDPOINTS = [
    Endpoint("GET", ORG + "/accounts", READERS),
    Endpoint(
        "POST",
        ORG + "/accounts",
        KEEPERS,
        {"number": "H9", "holder_name": "นายทดสอบ", "rate_class": "home", "opened_on": "2026-01-01"},
    ),
    Endpoint("GET", ORG + "/rate-schedules", READERS),
    Endpoint(
        "POST",
        ORG + "/rate-schedules",
        KEEPERS,
        {
            "ordinance": "เทศบัญญัติ 2570",
            "effective_from": "2026-10-01",
            "rates": [{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "30.00"}],
        },
    ),
    Endpoint("POST", ORG + "/billing-runs", frozenset({"privileged"}), {"period": "2026-01-01"}),
    Endpoint("GET", ORG + "/arrears", frozenset({"privileged"})),
    Endpoint("GET", ORG + "/routes", READERS),
    Endpoint(
        "POST",
        ORG + "/routes",
        KEEPERS,
        {"code": "R2", "name": "สายใหม่", "crew_code": "{crew}", "weekdays": [1], "stops": []},
    ),
    Endpoint("GET", ORG + "/routes/{route}/stops", READERS),
    Endpoint("POST", ORG + "/routes/{route}/trips", KEEPERS, {"day": "2026-01-05", "stops_collected": 1}),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", "public_health")  # an officer of กองสาธารณสุขฯ
    BillingProfile.objects.create(organization=world.org, biller_id=BILLER_ID, receipt_prefix="RC")
    rate_schedule_create(
        actor=SYSTEM,
        organization=world.org,
        ordinance="เทศบัญญัติ 2568",
        effective_from=dt.date(2025, 10, 1),
        rates=[{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "20.00"}],
    )
    crew = world.users["officer"].memberships.get(organization=world.org).department
    world.crew = crew.code
    point = world.org.boundary.point_on_surface
    world.route = route_create(
        actor=SYSTEM,
        organization=world.org,
        code="R1",
        name="สายตลาด",
        crew_code=crew.code,
        weekdays=[0],
        stops=[{"name": "ตลาด", "lat": point.y, "lon": point.x}],
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    check_endpoint(world, principal, endpoint, route=world.route.pk, crew=world.crew)


@pytest.mark.django_db
def test_a_rate_above_the_ceiling_is_a_422_naming_the_field(world):
    response = world.call(
        "officer",
        "POST",
        ORG.format(org=world.org.slug) + "/rate-schedules",
        {
            "ordinance": "เทศบัญญัติ",
            "effective_from": "2026-10-01",
            "rates": [{"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "41.00"}],
        },
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert "rates.0.monthly_fee" in str(response.json())
