"""Every wristband-alert endpoint × every kind of caller (muang.testing.authz). Reading alerts (no name, no
health data): the care and EMS duties' staff, the administrator and the organisation's token. Answering one:
only the staff of those duties (restricted: not the administrator, no token)."""

import pytest

from muang.core.models import Duty
from muang.ems.models import AlertKind
from muang.ems.services.alerts import alert_raise
from muang.ems.tests.conftest import NOW, make_band
from muang.testing.authz import PRINCIPALS, Endpoint, build_world, check_endpoint, give_duties

ORG = "/api/v1/organizations/{org}/ems"
READERS = frozenset({"officer", "privileged", "token"})
ANSWERERS = frozenset({"officer"})
ALERT_ENDPOINTS = [
    Endpoint("GET", ORG + "/alerts", READERS),
    Endpoint("GET", ORG + "/alerts?open_only=true", READERS),
    Endpoint("GET", ORG + "/alerts/{alert}", READERS),
    Endpoint("POST", ORG + "/alerts/{alert}/acknowledge", ANSWERERS),
    Endpoint("POST", ORG + "/alerts/{alert}/close", ANSWERERS, {"reason": "กดผิด"}),
    Endpoint("POST", ORG + "/alerts/{alert}/incident", ANSWERERS, {"criterion": "24-red-1"}),
]


@pytest.fixture
def world(areas):
    world = build_world()
    give_duties(world, "officer", Duty.EMERGENCY_MEDICAL)
    world.alert = alert_raise(wristband=make_band(world.org), kind=AlertKind.FALL, at=NOW, now=NOW)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ALERT_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_endpoint_authorization(world, endpoint: Endpoint, principal: str):
    check_endpoint(world, principal, endpoint, alert=world.alert.pk)


@pytest.mark.django_db
def test_an_alert_read_by_the_token_carries_no_name(world):
    r = world.call("token", "GET", ORG.format(org=world.org.slug) + f"/alerts/{world.alert.pk}")
    body = r.json()
    assert body["kind"] == "fall" and body["wristband"] == "IMEI0001" and body["status"] == "open"
    assert "บัวผัน" not in r.content.decode()


@pytest.mark.django_db
def test_a_second_taker_gets_409_naming_the_first(world):
    from django.test import Client

    from muang.core.models import Role
    from muang.core.tests.factories import member

    path = ORG.format(org=world.org.slug) + f"/alerts/{world.alert.pk}/acknowledge"
    assert world.call("officer", "POST", path).status_code == 200
    carer = Client()
    carer.force_login(member(world.org, Role.OFFICER, duties=[Duty.CARE]))
    r = carer.post(path)
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    assert world.users["officer"].display_name in r.json()["detail"]
