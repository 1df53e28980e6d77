"""`AirQualityObserved` and `FloodMonitoring` (environment/ngsi.py) through /ngsi-ld/v1: readings sent through
the ingest appear with Smart Data Models names; the types are public, and hold the public stations only; `q`,
`near`, and tenants."""

import datetime as dt

import pytest
from django.test import Client

from muang.core.access import SYSTEM
from muang.core.services import api_token_create
from muang.environment.models import Station
from muang.environment.selectors import station_states
from muang.environment.tests.conftest import NOW, make_city, pm, water

pytestmark = pytest.mark.django_db
E = "/ngsi-ld/v1/entities"
AIR = "urn:ngsi-ld:AirQualityObserved:AQ-01"
FAR = "urn:ngsi-ld:AirQualityObserved:AQ-02"
GAUGE = "urn:ngsi-ld:FloodMonitoring:GAUGE-01"
H = dt.timedelta(hours=1)


def get(path: str, org, bearer: str | None = None):
    headers = {"HTTP_NGSILD_TENANT": org.slug, "HTTP_ACCEPT_LANGUAGE": "en"}
    if bearer:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    return Client().get(path, **headers)


def ok(path: str, org, bearer: str | None = None):
    response = get(path, org, bearer)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def city(areas):
    city = make_city("nakhon")
    for i, value in enumerate((20.0, 30.0, 41.0)):
        pm(city, value, NOW - (2 - i) * H, pm10=60.0)
    pm(city.far_device, 12.0, NOW)
    water(city, 3.7, NOW)
    return city


def test_air_quality_observed_normalized_and_key_values(city):
    e = ok(f"{E}/{AIR}", city.org)
    assert e["id"] == AIR and e["type"] == "AirQualityObserved"
    assert e["name"]["value"] == "สถานีอากาศ ตลาดสด"
    assert e["pm25"] == {
        "type": "Property",
        "value": 41.0,
        "observedAt": "2026-03-02T09:00:00.000Z",
        "unitCode": "GQ",
    }
    assert e["pm10"]["value"] == 60.0 and e["pm10"]["unitCode"] == "GQ"
    assert e["dateObserved"]["value"] == "2026-03-02T09:00:00.000Z"
    assert e["location"]["value"] == {"type": "Point", "coordinates": [102.1, 16.54]}
    assert e["refDevice"] == {"type": "Relationship", "object": "urn:ngsi-ld:Device:AQ-01"}
    # The index and the level are the station page's (the 24-hour means, the kept band).
    (state,) = [s for s in station_states(Station.objects.filter(pk=city.air.pk)) if s["kind"] == "air"]
    assert e["airQualityIndex"]["value"] == state["aqi"] is not None
    kv = ok(f"{E}/{AIR}?options=keyValues", city.org)
    assert kv["pm25"] == 41.0 and kv["airQualityLevel"] in ("good", "moderate", "unhealthyForSensitiveGroups")
    assert (
        kv["airQualityLevel"]
        == {0: "veryGood", 1: "good", 2: "moderate", 3: "unhealthyForSensitiveGroups", 4: "unhealthy"}[
            Station.objects.get(pk=city.air.pk).level
        ]
    )


def test_the_aqi_in_sql_is_the_notices_across_the_bands(city):
    seen = []
    for i, value in enumerate((5.0, 14.9, 15.05, 37.55, 60.0, 120.0, 300.0)):
        pm(city.far_device, value, NOW + (i + 1) * 25 * H, pm10=value * 2)
        states = station_states(Station.objects.filter(pk=city.far.pk))
        seen.append(ok(f"{E}/{FAR}?options=keyValues", city.org)["airQualityIndex"])
        assert seen[-1] == states[0]["aqi"], value
    assert len(set(seen)) == 7, seen  # every band, and the open top one


def test_flood_monitoring_normalized_and_key_values(city):
    e = ok(f"{E}/{GAUGE}", city.org)
    assert e["type"] == "FloodMonitoring" and e["stationID"]["value"] == "GAUGE-01"
    assert e["currentLevel"]["value"] == 3.7 and e["currentLevel"]["unitCode"] == "MTR"
    assert e["alertLevel"]["value"] == 3.5 and e["dangerLevel"]["value"] == 4.5
    assert e["floodLevelStatus"]["value"] == "warning"
    assert e["observationDateTime"]["value"] == "2026-03-02T09:00:00.000Z"
    kv = ok(f"{E}?type=FloodMonitoring&options=keyValues", city.org)
    assert [(x["id"], x["currentLevel"], x["floodLevelStatus"]) for x in kv] == [(GAUGE, 3.7, "warning")]


def test_q_on_pm25_and_a_near_query(city):
    assert [e["id"] for e in ok(f"{E}?type=AirQualityObserved&q=pm25>37.5", city.org)] == [AIR]
    assert [e["id"] for e in ok(f"{E}?type=FloodMonitoring&q=currentLevel>=3.5", city.org)] == [GAUGE]
    near = "georel=near%3BmaxDistance%3D%3D2000&geometry=Point&coordinates=[102.1,16.54]"
    both = ok(f"{E}?type=AirQualityObserved,FloodMonitoring&{near}", city.org)
    assert sorted(e["id"] for e in both) == [AIR, GAUGE]  # the far station is ~11 km north


def test_public_for_anyone_but_only_the_public_stations(city):
    Station.objects.filter(pk=city.far.pk).update(is_public=False)
    assert [e["id"] for e in ok(f"{E}?type=AirQualityObserved", city.org)] == [AIR]
    assert get(f"{E}/{FAR}", city.org).status_code == 404
    # Not with a token either: the types hold the public stations (the staff pages and API read the rest).
    _, bearer = api_token_create(actor=SYSTEM, organization=city.org, name="t", scopes=["environment:read"])
    assert [e["id"] for e in ok(f"{E}?type=AirQualityObserved", city.org, bearer)] == [AIR]
    assert sorted(ok("/ngsi-ld/v1/types", city.org)["typeList"]) == ["AirQualityObserved", "FloodMonitoring"]


def test_another_organisations_stations_never_appear(city):
    other = make_city("ban-rai")
    pm(other, 99.0, NOW)
    (mine,) = ok(f"{E}?type=AirQualityObserved&q=pm25>37.5&options=keyValues", city.org)
    assert mine["id"] == AIR and mine["pm25"] == 41.0  # this tenant's AQ-01, not ban-rai's (99)
    (theirs,) = ok(f"{E}?type=AirQualityObserved&q=pm25>37.5&options=keyValues", other.org)
    assert theirs["pm25"] == 99.0
