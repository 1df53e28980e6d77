"""Open311 discovery, service list and service definitions, in JSON and XML."""

import pytest

from .test_open311_support import (
    BASE,
    assert_errors,
    english_client,
    open311_town,
    xml,
)

pytestmark = pytest.mark.django_db
client = pytest.fixture(english_client, name="client")


@pytest.fixture
def world(areas):
    return open311_town()


def test_discovery_in_json_and_xml(client):
    body = client.get(f"{BASE}/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"


def test_services_list_the_active_categories(client, world):
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": world.town.org.slug})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = {s["service_code"]: s for s in response.json()}
    assert set(services) == {"streetlight", "noise"}
    noise = services["noise"]
    assert noise == {
        "service_code": "noise",
        "service_name": "เสียงรบกวน",
        "description": "Noise",
        "metadata": True,
        "type": "realtime",
        "keywords": noise["keywords"],
        "group": world.town.health.name_th,
    }
    assert "เสียงดัง" in noise["keywords"].split(",")
    assert services["streetlight"]["metadata"] is False

    root = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": world.town.org.slug}))
    assert root.tag == "services"
    codes = {s.findtext("service_code"): s for s in root.findall("service")}
    assert codes["noise"].findtext("metadata") == "true" and codes["noise"].findtext("type") == "realtime"
    assert codes["streetlight"].findtext("metadata") == "false"


def test_inactive_categories_are_not_services(client, world):
    world.noise.is_active = False
    world.noise.save(update_fields=["is_active"])
    codes = [
        s["service_code"]
        for s in client.get(f"{BASE}/services.json", {"jurisdiction_id": world.town.org.slug}).json()
    ]
    assert codes == ["streetlight"]


def test_service_definition_with_attributes(client, world):
    slug = world.town.org.slug
    body = client.get(f"{BASE}/services/noise.json", {"jurisdiction_id": slug}).json()
    assert body["service_code"] == "noise"
    when, decibels = body["attributes"]
    assert when == {
        "variable": True,
        "code": "when",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "เกิดขึ้นช่วงเวลาใด",
        "values": [{"key": "night", "name": "กลางคืน"}, {"key": "day", "name": "กลางวัน"}],
    }
    assert decibels["datatype"] == "number" and decibels["values"] == []

    root = xml(client.get(f"{BASE}/services/noise.xml", {"jurisdiction_id": slug}))
    assert root.tag == "service_definition" and root.findtext("service_code") == "noise"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "when" and attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["night", "day"]


def test_unknown_service_and_jurisdiction_are_open311_errors(client, world):
    assert_errors(
        client.get(f"{BASE}/services/nope.json", {"jurisdiction_id": world.town.org.slug}), 404, "nope"
    )
    assert_errors(client.get(f"{BASE}/services.json", {"jurisdiction_id": "nowhere"}), 404, "nowhere")
    assert_errors(client.get(f"{BASE}/services.json"), 400, "jurisdiction_id")
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "400"
    assert "jurisdiction_id" in root.findtext("error/description")
