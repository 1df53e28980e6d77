"""GET /ngsi-ld/v1/entities/{id} and GET /ngsi-ld/v1/types."""

import pytest

from muang.ngsi.tests.conftest import problem

pytestmark = pytest.mark.django_db
A1 = "urn:ngsi-ld:Device:AQ-001"


def test_an_entity_by_id_in_both_forms_and_with_attrs(town):
    response = town.get(f"/ngsi-ld/v1/entities/{A1}")
    assert response.status_code == 200 and response["Link"].startswith("<https://uri.etsi.org/ngsi-ld/v1/")
    entity = response.json()
    assert entity["id"] == A1 and entity["value"]["value"] == {"pm10": 60, "pm25": 41.2}
    simplified = town.get(f"/ngsi-ld/v1/entities/{A1}?options=keyValues&attrs=serialNumber").json()
    assert simplified == {"id": A1, "type": "Device", "serialNumber": "AQ-001"}
    bare = town.get(f"/ngsi-ld/v1/entities/{A1}?attrs=batteryLevel").json()
    assert bare == {"id": A1, "type": "Device"}  # it lacks the attribute: still found, without it
    ld = town.get(f"/ngsi-ld/v1/entities/{A1}", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json" and "@context" in ld.json()


def test_the_same_id_in_another_tenant_is_that_tenants_entity(town):
    entity = town.get(f"/ngsi-ld/v1/entities/{A1}", "other_token", tenant="ban-rai").json()
    assert entity["value"]["value"] == {"pm25": 99.0}


def test_an_unknown_entity_is_resource_not_found(town):
    problem(town.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Device:NOPE"), 404, "ResourceNotFound")
    problem(town.get("/ngsi-ld/v1/entities/urn:ngsi-ld:OffStreetParking:1"), 404, "ResourceNotFound")
    problem(town.get("/ngsi-ld/v1/entities/AQ-001"), 400, "BadRequestData")


def test_types_lists_the_types_the_tenant_has(town):
    body = town.get("/ngsi-ld/v1/types").json()
    assert body["type"] == "EntityTypeList" and body["typeList"] == ["Device"]
    assert body["id"].startswith("urn:ngsi-ld:EntityTypeList:")
    (details,) = town.get("/ngsi-ld/v1/types?details=true").json()
    assert details["id"] == "https://smartdatamodels.org/dataModel.Device/Device"
    assert details["type"] == "EntityType" and details["typeName"] == "Device"
    assert "location" in details["attributeNames"]
    problem(town.get("/ngsi-ld/v1/types?details=maybe"), 400, "BadRequestData")


def test_types_of_a_tenant_without_devices_is_empty(town, areas):
    from muang.core.tests.factories import OrganizationFactory

    OrganizationFactory(slug="empty-town")
    assert town.get("/ngsi-ld/v1/types", "anonymous", tenant="empty-town").json()["typeList"] == []


def test_a_provider_that_cannot_be_loaded_is_named_by_the_checks(monkeypatch):
    from muang.ngsi import providers
    from muang.ngsi.apps import check_entity_types

    assert check_entity_types() == []
    monkeypatch.setattr(providers, "entity_types", lambda: providers._load(("muang.iot.ngsi.NOPE",)))
    (error,) = check_entity_types()
    assert error.id == "ngsi.E001" and "NOPE" in error.msg
