"""Tenancy (NGSILD-Tenant) and who reads what: public types by anyone, the rest with a token or a session
holding the type's permission in the tenant; another organisation's devices never appear."""

import dataclasses

import pytest

from muang.iot.ngsi import DEVICE
from muang.ngsi.tests.conftest import ids, problem

pytestmark = pytest.mark.django_db
E = "/ngsi-ld/v1/entities?type=Device"
A1 = "urn:ngsi-ld:Device:AQ-001"


@pytest.mark.parametrize("principal", ["iot_token", "ngsi_token"])
def test_a_token_with_the_types_permission_or_ngsi_read_reads_its_tenant(town, principal):
    assert len(ids(town.get(E, principal))) == 4
    assert len(ids(town.get(E, principal, tenant=None))) == 4  # without the header: the token's organisation


def test_a_staff_session_with_the_permission_reads_its_organisation(town, engineer):
    assert len(ids(town.get(E, engineer, tenant=None))) == 4


def test_anonymous_needs_a_token_for_devices(town):
    response = town.get(E, "anonymous")
    problem(response, 401, None)
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem(town.get(f"/ngsi-ld/v1/entities/{A1}", "anonymous"), 401, None)
    # Without a named type the query covers what the caller may read: nothing here.
    assert ids(town.get("/ngsi-ld/v1/entities?attrs=name", "anonymous")) == []
    assert town.get("/ngsi-ld/v1/types", "anonymous").json()["typeList"] == []


def test_a_token_without_the_permission_or_of_another_organisation_is_refused(town):
    problem(town.get(E, "cases_token"), 403, None)
    problem(town.get(E, "other_token"), 403, None)  # its scopes hold only in its own organisation
    problem(town.get(f"/ngsi-ld/v1/entities/{A1}", "other_token"), 403, None)


def test_another_organisations_devices_never_appear(town):
    other = ids(town.get(E, "other_token", tenant="ban-rai"))
    assert other == [A1]
    near = "&georel=near%3BmaxDistance%3D%3D50&geometry=Point&coordinates=[102.1,16.54]"
    (entity,) = town.get(E + near, "iot_token").json()
    assert entity["value"]["value"]["pm25"] == 41.2  # this tenant's AQ-001, not ban-rai's (99)


def test_tenant_errors(town):
    problem(town.get(E, "anonymous", tenant=None), 400, "BadRequestData")
    problem(town.get(E, "iot_token", tenant="no-such-town"), 404, "NonexistentTenant")
    bad = town.get(E, "anonymous", HTTP_AUTHORIZATION="Bearer muang_nope_nope")
    problem(bad, 401, None)


def test_a_public_type_is_read_by_anyone_in_any_tenant(town, monkeypatch):
    public = dataclasses.replace(DEVICE, name="PublicDevice", uri="urn:test:PublicDevice", public=True)
    monkeypatch.setattr("muang.ngsi.views.entity_types", lambda: (DEVICE, public))
    response = town.get("/ngsi-ld/v1/entities?type=PublicDevice&limit=1", "anonymous")
    assert ids(response) == [A1]
    assert response.json()[0]["type"] == "PublicDevice"
    # A query naming no type reads the public types only; a token of another organisation reads them too.
    assert ids(town.get("/ngsi-ld/v1/entities?attrs=batteryLevel", "anonymous")) == [
        "urn:ngsi-ld:Device:GA-001"
    ]
    assert len(ids(town.get("/ngsi-ld/v1/entities?type=PublicDevice", "other_token"))) == 4
    problem(town.get("/ngsi-ld/v1/entities?type=PublicDevice,Device", "anonymous"), 401, None)
