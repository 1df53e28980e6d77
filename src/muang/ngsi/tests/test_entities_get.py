"""GET /ngsi-ld/v1/entities: every query parameter, the representations, content negotiation, paging, count."""

import pytest

from muang.ngsi.tests.conftest import ids, problem

pytestmark = pytest.mark.django_db
E = "/ngsi-ld/v1/entities"
CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld"
LINK = f'<{CORE}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
A1, A2, G1, N1 = (f"urn:ngsi-ld:Device:{s}" for s in ("AQ-001", "AQ-002", "GA-001", "AQ-009"))


def test_a_type_query_lists_the_tenants_devices_by_id_in_the_normalized_form_with_the_link_header(town):
    response = town.get(f"{E}?type=Device")
    assert ids(response) == [A1, A2, N1, G1]
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == LINK
    a1 = response.json()[0]
    assert a1["type"] == "Device" and "@context" not in a1
    assert a1["serialNumber"] == {"type": "Property", "value": "AQ-001"}
    assert a1["value"] == {
        "type": "Property",
        "value": {"pm10": 60, "pm25": 41.2},
        "observedAt": "2026-03-02T09:00:00.000Z",
    }
    assert a1["location"] == {
        "type": "GeoProperty",
        "value": {"type": "Point", "coordinates": [102.1, 16.54]},
    }
    assert a1["controlledProperty"]["value"] == ["pm25", "pm10", "online"]
    assert a1["dateLastValueReported"] == {"type": "Property", "value": "2026-03-02T08:00:00.000Z"}
    g1 = response.json()[3]
    assert g1["batteryLevel"] == {
        "type": "Property",
        "value": 0.8,
        "observedAt": "2026-03-02T09:00:00.000Z",
        "unitCode": "C62",
    }
    assert g1["deviceState"]["value"] == "silent" and g1["dateInstalled"]["value"] == "2025-06-01"
    assert "location" not in response.json()[2]  # no location: the attribute is absent, not null


def test_the_expanded_type_uri_is_the_same_type(town):
    assert ids(town.get(f"{E}?type=https://smartdatamodels.org/dataModel.Device/Device&limit=1")) == [A1]
    assert ids(town.get(f"{E}?type=Streetlamp")) == []  # a type nobody offers: nothing, not an error


def test_key_values_and_sys_attrs(town):
    (a1,) = town.get(f"{E}?id={A1}&options=keyValues,sysAttrs").json()
    assert a1["value"] == {"pm10": 60, "pm25": 41.2}
    assert a1["location"] == {"type": "Point", "coordinates": [102.1, 16.54]}
    assert a1["name"] == "device AQ-001" and a1["createdAt"].endswith("Z") and "modifiedAt" in a1
    (simplified,) = town.get(f"{E}?id={A1}&options=simplified").json()
    assert simplified["serialNumber"] == "AQ-001"
    problem(town.get(f"{E}?type=Device&options=keyValues,normalized"), 400, "BadRequestData")
    problem(town.get(f"{E}?type=Device&options=fast"), 400, "BadRequestData")


def test_json_ld_puts_the_core_context_in_the_body_and_no_link(town):
    response = town.get(f"{E}?type=Device&limit=1", HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"] == "application/ld+json"
    assert "Link" not in response
    assert response.json()[0]["@context"] == CORE
    preferred = town.get(
        f"{E}?type=Device&limit=1", HTTP_ACCEPT="application/json;q=0.5, application/ld+json"
    )
    assert preferred["Content-Type"] == "application/ld+json"
    anything = town.get(f"{E}?type=Device&limit=1", HTTP_ACCEPT="text/html, */*;q=0.8")
    assert anything["Content-Type"] == "application/json" and anything["Link"] == LINK
    assert town.get(f"{E}?type=Device", HTTP_ACCEPT="text/html").status_code == 406


def test_id_list_and_id_pattern(town):
    assert ids(town.get(f"{E}?id={G1},{A2},urn:ngsi-ld:Streetlight:x")) == [A2, G1]
    assert ids(town.get(f"{E}?type=Device&idPattern=^urn:ngsi-ld:Device:AQ-00[12]$")) == [A1, A2]
    body = problem(town.get(f"{E}?type=Device&idPattern=AQ-(0"), 400, "BadRequestData")
    assert "idPattern" in body["detail"]
    problem(town.get(f"{E}?id=AQ-001"), 400, "BadRequestData")


def test_attrs_keep_those_attributes_and_only_entities_that_have_one(town):
    response = town.get(f"{E}?type=Device&attrs=batteryLevel,serialNumber&options=keyValues")
    assert response.json()[0] == {"id": A1, "type": "Device", "serialNumber": "AQ-001"}
    assert ids(town.get(f"{E}?attrs=batteryLevel")) == [G1]  # attrs alone is a query


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("value[pm25]>30", [A1]),
        ("value[pm25]<=12", [A2]),
        ('deviceState=="silent"', [G1]),
        ('deviceState!="silent"', [A1, A2, N1]),
        ("batteryLevel>=0.5;batteryLevel<=0.9", [G1]),
        ("batteryLevel==0.7..0.9", [G1]),
        ("batteryLevel==0.1..0.5", []),
        ('serialNumber=="AQ-002","GA-001"', [A2, G1]),
        ('serialNumber~="^AQ-00[12]"', [A1, A2]),
        ('serialNumber!~="^AQ"', [G1]),
        ('controlledProperty=="level"', [G1]),
        ('controlledProperty=="pm25","level"', [A1, A2, N1, G1]),
        ("batteryLevel", [G1]),
        ('(deviceState=="silent"|value[pm25]>30);location', [A1, G1]),
        ('deviceState=="silent"|value[pm25]>30;value[pm10]>100', [G1]),  # ; binds tighter than |
        ("dateLastValueReported>2026-03-02T08:30:00Z", [G1]),
        ("dateLastValueReported>=2026-03-02", [A1, G1]),
        ("dateInstalled<2026-01-01", [G1]),
        ("value.observedAt==2026-03-02T09:00:00Z", [A1, A2, G1]),
        ('batteryLevel=="high"', []),  # a text against a number matches nothing
        ("noSuchAttribute>1", []),  # an attribute the type lacks matches nothing
    ],
)
def test_the_query_language(town, q, expected):
    from urllib.parse import quote

    assert ids(town.get(f"{E}?type=Device&q={quote(q)}")) == expected


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("value[pm25]>", "value is expected"),
        ('(deviceState=="silent"', "parenthesis"),
        ('name=="open', "string"),
        ("batteryLevel>high", "double quotes"),
        ("batteryLevel>1..2", "range"),
        ('name~="(a"', "regular expression"),
        ("batteryLevel>1e999", "out of range"),
        ("a.b.c==1", "sub-attribute"),
        ("==1", "attribute name"),
        ("batteryLevel==1)", "unexpected"),
    ],
)
def test_a_bad_q_is_a_400_that_says_where(town, q, says):
    from urllib.parse import quote

    body = problem(town.get(f"{E}?type=Device&q={quote(q)}"), 400, "BadRequestData")
    assert says in body["detail"] and "q" in body["detail"]


def test_a_query_without_type_attrs_q_geoquery_or_id_is_bad_request_data(town):
    body = problem(town.get(E), 400, "BadRequestData")
    assert "type" in body["detail"]
    problem(town.get(f"{E}?limit=5"), 400, "BadRequestData")


def test_paging_by_id_and_the_count_header(town):
    first = town.get(f"{E}?type=Device&limit=2&count=true")
    assert ids(first) == [A1, A2] and first["NGSILD-Results-Count"] == "4"
    assert ids(town.get(f"{E}?type=Device&limit=2&offset=2")) == [N1, G1]
    assert "NGSILD-Results-Count" not in town.get(f"{E}?type=Device&limit=2")
    only_count = town.get(f"{E}?type=Device&limit=0&count=true&q=value[pm25]>1")
    assert only_count.json() == [] and only_count["NGSILD-Results-Count"] == "2"
    problem(town.get(f"{E}?type=Device&limit=0"), 400, "BadRequestData")
    problem(town.get(f"{E}?type=Device&limit=1001"), 403, "TooManyResults")
    problem(town.get(f"{E}?type=Device&limit=-1"), 400, "BadRequestData")
    problem(town.get(f"{E}?type=Device&offset=x"), 400, "BadRequestData")
    problem(town.get(f"{E}?type=Device&offset=99999999999999999999"), 400, "BadRequestData")
    problem(town.get(f"{E}?type=Device&count=yes"), 400, "BadRequestData")


def test_a_nul_character_is_refused_not_a_server_error(town):
    problem(town.get(f"{E}?type=Device&q=name%3D%3D%22a%00b%22"), 400, "BadRequestData")


def test_details_are_thai_unless_the_client_asks_for_english(town, settings):
    settings.LANGUAGE_CODE = "th"  # the site's default (the domain tests run in English)
    thai = problem(town.get(E, HTTP_ACCEPT_LANGUAGE=""), 400, "BadRequestData")
    assert "ระบุอย่างน้อยหนึ่งอย่าง" in thai["detail"]
    english = town.get(E)
    assert english["Content-Language"] == "en" and "Name at least one" in english.json()["detail"]
