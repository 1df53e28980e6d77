"""Traccar's OsmAnd protocol at /osmand/<org>: the parameter and JSON forms, every refusal (nothing written),
a replay stored once, a fall raising its alert, and a unit's tracker moving the unit."""

import datetime as dt

import orjson
import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from muang.core.access import SYSTEM
from muang.ems import clock, osmand
from muang.ems.models import Alert, AlertKind, Unit
from muang.ems.services.wristbands import tracker_profile_for
from muang.ems.tests.conftest import NOW, make_band, make_unit, osmand_get
from muang.iot.models import DeviceAttribute, LatestValue, Telemetry
from muang.iot.services.devices import device_create

pytestmark = pytest.mark.django_db
TS = int(NOW.timestamp())


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def client():
    return Client()


def test_the_parameters_follow_traccar():
    p = osmand.parse_parameters(
        {"id": "123", "lat": "16.5", "lon": "102.1", "timestamp": str(TS), "speed": "10", "bearing": "90",
         "batt": "55", "alarm": "fallDown", "hdop": "1.2", "valid": "true", "driverUniqueId": "D1"}
    )  # fmt: skip
    assert p.device_id == "123" and p.time == NOW
    assert p.values["speed"] == pytest.approx(18.52)  # knots, as Traccar reads them
    assert p.values["alarm_fall"] == 1.0 and p.values["batt"] == 55.0
    assert p.attributes == {"hdop": 1.2, "valid": True, "driverUniqueId": "D1"}
    assert osmand.parse_time(str(TS * 1000)) == NOW  # milliseconds
    assert osmand.parse_time("2026-03-02T19:00:00Z") == NOW
    assert osmand.parse_time("2026-03-02 19:00:00") == NOW  # no zone: UTC
    assert osmand.parse_parameters({"id": "1", "location": "16.5,102.1"}).point == (16.5, 102.1)


def test_the_json_body_of_the_newer_clients():
    body = {
        "device_id": "123",
        "location": {
            "timestamp": "2026-03-02T19:00:00.000Z",
            "coords": {"latitude": 16.5, "longitude": 102.1, "speed": 10, "heading": -1, "accuracy": 5},
            "battery": {"level": 0.42, "is_charging": False},
            "is_moving": True,
            "extras": {"alarm": "sos"},
        },
    }
    p = osmand.parse_json(orjson.dumps(body))
    assert p.time == NOW and p.values["speed"] == pytest.approx(36.0)  # m/s
    assert "bearing" not in p.values  # -1: unknown
    assert p.values["batt"] == pytest.approx(42.0) and p.values["alarm_sos"] == 1.0
    assert p.attributes["charge"] is False and p.attributes["motion"] is True


def test_a_fall_over_osmand_is_stored_and_raises_its_alert_once(org, client):
    band = make_band(org)
    r = osmand_get(client, org, id="IMEI0001", lat=16.541, lon=102.101, timestamp=TS, batt=80, alarm="fallDown",
                   heartRate=72, hdop=0.9)  # fmt: skip
    assert r.status_code == 200 and r.json() == {"status": "stored"}
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.FALL and alert.person_id == band.person_id and alert.raised_at == NOW
    assert round(alert.location.y, 3) == 16.541
    assert LatestValue.objects.get(device=band.device, key="heart_rate").value == 72
    assert DeviceAttribute.objects.get(device=band.device, key="hdop").value == 0.9
    # The same message again (a retry): 200 like Traccar, stored once, no second alert.
    rows = Telemetry.objects.filter(device=band.device).count()
    r = osmand_get(
        client, org, id="IMEI0001", lat=16.541, lon=102.101, timestamp=TS, batt=80, alarm="fallDown"
    )
    assert r.status_code == 200 and r.json() == {"status": "duplicate"}
    assert Telemetry.objects.filter(device=band.device).count() == rows
    # A later fall while the first is still open: still one open fall alert for the band.
    r = osmand_get(client, org, id="IMEI0001", lat=16.541, lon=102.101, timestamp=TS + 10, alarm="fallDown")
    assert r.status_code == 200 and Alert.objects.count() == 1


def test_a_post_form_and_a_json_post_are_read_too(org, client):
    band = make_band(org)
    r = client.post(
        f"/osmand/{org.slug}", {"id": "IMEI0001", "lat": "16.54", "lon": "102.1", "timestamp": TS}
    )
    assert r.status_code == 200 and r.json()["status"] == "stored"
    body = {"device_id": "IMEI0001", "location": {"timestamp": TS + 5, "coords": {"latitude": 16.54, "longitude": 102.1},
            "extras": {"alarm": "sos"}}}  # fmt: skip
    r = client.post(f"/osmand/{org.slug}", orjson.dumps(body), content_type="application/json")
    assert r.status_code == 200
    assert Alert.objects.get().kind == AlertKind.SOS and Alert.objects.get().wristband == band


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"id": "NOPE", "lat": 16.54, "lon": 102.1}, 404, None),  # not registered
        ({"lat": 16.54, "lon": 102.1}, 422, "id"),
        ({"id": "IMEI0001", "lat": 0, "lon": 0}, 422, "lat"),  # impossible
        ({"id": "IMEI0001", "lat": 95, "lon": 102.1}, 422, "lat"),
        ({"id": "IMEI0001", "lat": 16.54, "lon": 102.1, "timestamp": TS + 3600}, 422, "timestamp"),  # future
        ({"id": "IMEI0001", "lat": 16.54, "lon": 102.1, "timestamp": "yesterday"}, 422, "timestamp"),
        ({"id": "IMEI0001", "lat": "north", "lon": 102.1}, 422, "lat"),
        ({"id": "IMEI0001", "lat": 16.54}, 422, "lat"),
        ({"id": "IMEI0001", "lat": 16.54, "lon": 102.1, "batt": 140}, 422, "batt"),
    ],
)
def test_refusals_are_problems_naming_the_parameter_and_write_nothing(org, client, params, status, field):
    band = make_band(org)
    r = osmand_get(client, org, **params)
    assert r.status_code == status and r["Content-Type"] == "application/problem+json"
    if field:
        assert field in r.content.decode()
    assert not Telemetry.objects.filter(device=band.device).exists() and not Alert.objects.exists()


def test_a_position_outside_the_organisations_area_is_refused(org, client):
    org.boundary = MultiPolygon(Polygon.from_bbox((102.0, 16.4, 102.2, 16.6)), srid=4326)
    org.save(update_fields=["boundary"])
    make_band(org)
    r = osmand_get(client, org, id="IMEI0001", lat=13.75, lon=100.5, timestamp=TS)
    assert r.status_code == 422 and "area" in r.json()["detail"]
    assert osmand_get(client, org, id="IMEI0001", lat=16.54, lon=102.1, timestamp=TS).status_code == 200
    assert client.get("/osmand/no-such-org?id=IMEI0001&lat=16.54&lon=102.1").status_code == 404


def test_a_units_tracker_over_osmand_moves_the_unit(org, client):
    device, _secret = device_create(
        actor=SYSTEM, organization=org, profile=tracker_profile_for(org), name="A1 GPS", serial="AMB1"
    )
    unit = make_unit(org, "A1", 16.53, 102.09, device=device)
    r = osmand_get(client, org, id="AMB1", lat=16.5405, lon=102.1005, timestamp=TS, speed=30)
    assert r.status_code == 200
    unit = Unit.objects.get(pk=unit.pk)
    assert (round(unit.location.y, 4), round(unit.location.x, 4)) == (16.5405, 102.1005)
    assert unit.position_at == NOW
    older = NOW - dt.timedelta(minutes=1)
    osmand_get(client, org, id="AMB1", lat=16.53, lon=102.09, timestamp=int(older.timestamp()))
    unit.refresh_from_db()
    assert round(unit.location.y, 4) == 16.5405  # an older position does not move it back
