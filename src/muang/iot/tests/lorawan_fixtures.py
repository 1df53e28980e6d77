"""Shared set-up of the LoRaWAN tests: an organisation with its webhook secret, a river gauge (byte layout) and an
air station (JSON keys) registered by DevEUI, the recorded webhook bodies, and a frozen clock."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from muang.core.tests.factories import OrganizationFactory
from muang.iot.lorawan.services import lorawan_secret_rotate
from muang.iot.tests.factories import air_profile, device, gauge_profile

RECORDINGS = Path(__file__).parent / "recordings"
NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
GAUGE_EUI = "0004A30B001C0530"
AIR_EUI = "A84041000181C1D2"


def recorded(name: str) -> dict:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


@pytest.fixture
def city(areas, frozen):
    """(organisation, secret, gauge, air station)"""
    org = OrganizationFactory(slug="khonkaen")
    secret = lorawan_secret_rotate(organization=org)
    gauge, _ = device(org, gauge_profile(org), serial="GAUGE-1", dev_eui=GAUGE_EUI)
    air, _ = device(org, air_profile(org), serial="AIR-1", dev_eui=AIR_EUI)
    return org, secret, gauge, air


def post(url: str, body, secret: str | None = None, **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    if secret is not None:
        headers["HTTP_X_MUANG_SECRET"] = secret
    return Client().post(url, data=data, content_type="application/json", **headers)
