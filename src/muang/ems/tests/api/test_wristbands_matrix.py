"""The wristband endpoints × every kind of caller: only the care duty's staff (restricted: not the organisation's
system administrator, no API token). Bad input: 422 problem+json naming the field, nothing written."""

import pytest

from muang.core.models import Duty
from muang.ems.models import Wristband
from muang.ems.tests.conftest import make_band, make_person
from muang.testing.authz import PRINCIPALS, Endpoint, build_world, check_endpoint, fill, give_duties

ORG = "/api/v1/organizations/{org}/ems"
CARERS = frozenset({"officer"})
ENDPOINTS = [
    Endpoint("GET", ORG + "/wristbands", CARERS),
    Endpoint("GET", ORG + "/wristbands/{band}", CARERS),
    Endpoint(
        "POST",
        ORG + "/wristbands",
        CARERS,
        {"person_id": "{person}", "serial": "IMEI0042", "heart_rate_max": 120},
    ),
    Endpoint("PUT", ORG + "/wristbands/{band}/rules", CARERS, {"heart_rate_min": 50, "heart_rate_max": 110}),
    Endpoint("POST", ORG + "/wristbands/{band}/replace", CARERS, {"serial": "IMEI0043"}),
    Endpoint("POST", ORG + "/wristbands/{band}/unregister", CARERS),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", Duty.CARE)
    world.band = make_band(world.org)
    world.person = make_person(world.org, 2)
    return world


def _rows(world) -> dict:
    return {"band": world.band.pk, "person": world.person.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    check_endpoint(world, principal, endpoint, **_rows(world))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person_id": 999999, "serial": "IMEI0050"}, "person"),
        ({"person_id": "{person}", "serial": "IMEI0001"}, "serial"),  # the band of the world
        (
            {"person_id": "{person}", "serial": "IMEI0051", "heart_rate_min": 120, "heart_rate_max": 60},
            "heart_rate_max",
        ),
    ],
    ids=["unknown-person", "duplicate-id", "heart-range"],
)
def test_bad_registrations_are_422_naming_the_field(world, body, field):
    r = world.call(
        "officer", "POST", ORG.format(org=world.org.slug) + "/wristbands", fill(body, _rows(world))
    )
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in r.json()["errors"]]
    assert Wristband.objects.count() == 1


@pytest.mark.django_db
def test_a_band_registered_through_the_api(world):
    r = world.call(
        "officer",
        "POST",
        ORG.format(org=world.org.slug) + "/wristbands",
        {"person_id": world.person.pk, "serial": "IMEI0060", "geofence_radius_m": 300, "still_hours": 4},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["serial"] == "IMEI0060" and body["person_id"] == world.person.pk and body["active"]
    assert body["geofence_radius_m"] == 300 and body["battery_low"] == 20


@pytest.mark.django_db
def test_rules_set_through_the_api_and_refused_on_the_field(world):
    path = ORG.format(org=world.org.slug) + f"/wristbands/{world.band.pk}/rules"
    r = world.call("officer", "PUT", path, {"heart_rate_min": 50, "heart_rate_max": 110, "battery_low": 10})
    assert r.status_code == 200 and r.json()["heart_rate_max"] == 110 and r.json()["battery_low"] == 10
    r = world.call("officer", "PUT", path, {"still_hours": 48})
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["still_hours"]
    world.band.refresh_from_db()
    assert world.band.battery_low == 10 and world.band.still_hours is None
