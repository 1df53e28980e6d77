"""Hostile values in every parameter: a 4xx or an answer, never a server error (fixed seed)."""

import random
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
PARAMETERS = ("type", "id", "idPattern", "attrs", "q", "georel", "geometry", "coordinates", "geoproperty",
              "options", "limit", "offset", "count", "details")  # fmt: skip
HOSTILE = (
    "99999999999999999999", "-1", "1e309", "NaN", "ก" * 1000, "[]", "", "(((((", ")", '"', "\\", "a==",
    "(?P<x>a)", "a{99999}", "[[[[]]]]", "[1e400,2]", "near;maxDistance==1e400", "x" * 5000, "%00", ";|;|",
    'value[x]=="a"..', "a~=\"[\"", "urn:ngsi-ld:Device:" + "9" * 300, "[[[102,16],[103,16],[102,16]]]",
)  # fmt: skip


def test_no_parameter_value_causes_a_server_error(town):
    rng = random.Random(2569)
    base = "type=Device&georel=within&geometry=Polygon&coordinates=" + quote(
        "[[[102,16],[103,16],[103,17],[102,16]]]"
    )
    for parameter in PARAMETERS:
        for value in rng.sample(HOSTILE, 5):
            for path in (
                "/ngsi-ld/v1/entities",
                "/ngsi-ld/v1/types",
                "/ngsi-ld/v1/entities/urn:ngsi-ld:Device:AQ-001",
            ):
                response = town.get(f"{path}?{base}&{parameter}={quote(value)}")
                assert response.status_code < 500, (path, parameter, value, response.content[:300])
            response = town.get(f"/ngsi-ld/v1/entities?{parameter}={quote(value)}")
            assert response.status_code < 500, (parameter, value, response.content[:300])
