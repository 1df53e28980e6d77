"""A small town of devices in two organisations, with latest readings, for the NGSI-LD tests."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.models import Duty, Role
from muang.core.services import api_token_create
from muang.core.tests.factories import OrganizationFactory, member
from muang.iot.models import Device
from muang.iot.services.ingest import latest_values_merge
from muang.iot.tests.factories import air_profile, device, gauge_profile

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CENTRE = (102.1000, 16.5400)  # lon, lat


@dataclass
class Town:
    org: object
    other: object
    devices: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def get(self, path: str, principal: str = "iot_token", tenant: str | None = "", **headers):
        """GET as a principal: a token name in `tokens`, "anonymous", or a Client (a session)."""
        client = principal if isinstance(principal, Client) else Client()
        if isinstance(principal, str) and principal != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[principal]}"
        headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        if tenant == "":
            tenant = self.org.slug
        if tenant is not None:
            headers["HTTP_NGSILD_TENANT"] = tenant
        return client.get(path, **headers)


def _latest(dev: Device, **values) -> None:
    latest_values_merge(dev.organization_id, {dev.pk: {key: (T, value) for key, value in values.items()}})


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def town(areas):
    org, other = OrganizationFactory(slug="nakhon"), OrganizationFactory(slug="ban-rai")
    town = Town(org, other)
    air, gauge = air_profile(org), gauge_profile(org)
    a1, _ = device(org, air, "AQ-001", lon=102.1000, lat=16.5400)  # the centre
    a2, _ = device(org, air, "AQ-002", lon=102.1030, lat=16.5400)  # ~320 m east
    g1, _ = device(org, gauge, "GA-001", lon=102.1200, lat=16.5600, installed_on=dt.date(2025, 6, 1))  # ~3 km
    n1, _ = device(org, air, "AQ-009")  # no location
    Device.objects.filter(pk=g1.pk).update(state=Device.State.SILENT, last_seen=T)
    Device.objects.filter(pk=a1.pk).update(last_seen=T - dt.timedelta(hours=1))
    _latest(a1, pm25=41.2, pm10=60.0)
    _latest(a2, pm25=12.0)
    _latest(g1, level=2.5, battery=80)
    b1, _ = device(other, air_profile(other), "AQ-001", lon=102.1000, lat=16.5400)  # same serial, same place
    _latest(b1, pm25=99.0)
    town.devices = {"a1": a1, "a2": a2, "g1": g1, "n1": n1, "b1": b1}
    for name, organization, scopes in (
        ("iot_token", org, ["iot:read"]),
        ("ngsi_token", org, ["ngsi:read"]),
        ("cases_token", org, ["cases:read"]),
        ("other_token", other, ["iot:read", "ngsi:read"]),
    ):
        _, town.tokens[name] = api_token_create(
            actor=SYSTEM, organization=organization, name=name, scopes=scopes
        )
    return town


@pytest.fixture
def engineer(town):
    client = Client()
    client.force_login(member(town.org, Role.OFFICER, duties=[Duty.ENGINEERING]))
    return client


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["id"] for e in response.json()]


def problem(response, status: int, kind: str | None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    expected = f"https://uri.etsi.org/ngsi-ld/errors/{kind}" if kind else "about:blank"
    assert body["type"] == expected, body
    assert body["detail"] and body["title"]
    return body
