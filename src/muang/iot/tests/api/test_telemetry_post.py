"""POST /api/v1/iot/devices/{serial}/telemetry: a device posts its readings with its own credential."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import Device, LatestValue, Telemetry
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.usefixtures("areas")


@pytest.fixture
def air():
    org = OrganizationFactory()
    d, credential = device(org, air_profile(org))
    d.credential = credential
    return d


def post(serial, body, credential, **headers):
    data = body if isinstance(body, bytes) else json.dumps(body)
    if credential is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {credential}"
    return Client().post(
        f"/api/v1/iot/devices/{serial}/telemetry", data=data, content_type="application/json", **headers
    )


def stored(d):
    return Telemetry.objects.filter(organization_id=d.organization_id, device_id=d.pk).count()


def test_a_device_posts_a_reading_and_a_repeat_is_stored_once(air):
    body = {"ts": timezone.now().isoformat(), "id": "r-1", "values": {"pm2_5": 42.0, "pm10": 60}}
    response = post(air.serial, body, air.credential)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored", "rows": 2}
    assert post(air.serial, body, air.credential).json() == {"status": "duplicate", "rows": 0}
    assert stored(air) == 2
    assert LatestValue.objects.get(organization_id=air.organization_id, device=air, key="pm25").value == 42.0


@pytest.mark.parametrize(
    ("serial", "credential"),
    [("AQ-001", None), ("AQ-001", "wrong"), ("AQ-001", "{good}x"), ("AQ-404", "{good}")],
)
def test_an_unknown_device_or_wrong_credential_is_401_and_nothing_is_stored(air, serial, credential):
    credential = credential.format(good=air.credential) if credential else None
    response = post(serial, {"values": {"pm2_5": 1}}, credential)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert stored(air) == 0


def test_a_wrong_secret_for_a_known_device_is_counted(air):
    post(air.serial, {"values": {"pm2_5": 1}}, air.credential + "x")
    assert Device.objects.get(pk=air.pk).error_count == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"values": {"pm2_5": 5000}}, "pm25"),
        ({"values": {"radon": 1}}, "radon"),
        ({"ts": "2099-01-01T00:00:00Z", "values": {"pm2_5": 1}}, "ts"),
        (b"\xff\xfe not json", "payload"),
    ],
)
def test_a_bad_payload_is_a_problem_naming_the_key(air, body, field):
    response = post(air.serial, body, air.credential)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field, problem
    assert stored(air) == 0
    assert Device.objects.get(pk=air.pk).error_count == 1


def test_an_oversized_payload_is_413_before_any_work(air, settings):
    settings.MUANG_IOT_MAX_PAYLOAD = 1024
    response = post(air.serial, {"values": {"pm2_5": 1}, "ts": "x" * 2000}, air.credential)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert stored(air) == 0


def test_a_frame_posts_as_octet_stream(areas):
    import struct

    from muang.iot.tests.factories import gauge_profile

    org = OrganizationFactory()
    gauge, credential = device(org, gauge_profile(org), serial="RG-7")
    frame = struct.pack(">hB", 100, 50) + struct.pack("<f", 25.0)
    response = Client().post(
        "/api/v1/iot/devices/RG-7/telemetry",
        data=frame,
        content_type="application/octet-stream",
        HTTP_AUTHORIZATION=f"Bearer {credential}",
        HTTP_X_MESSAGE_ID="fcnt-1",
    )
    assert response.json() == {"status": "stored", "rows": 3}
    assert stored(gauge) == 3
    assert (timezone.now() - Device.objects.get(pk=gauge.pk).last_seen) < dt.timedelta(minutes=1)


def test_the_engineering_head_adds_a_device_over_the_api_and_it_posts_with_the_credential_shown_once():
    from muang.core.models import Role
    from muang.core.tests.factories import member

    org = OrganizationFactory()
    head = member(org, Role.DEPARTMENT_HEAD, duties=["engineering"])
    client = Client()
    client.force_login(head)
    base = f"/api/v1/organizations/{org.slug}/iot"
    profile = client.post(
        base + "/profiles",
        data={"name": "air", "keys": [{"key": "pm25", "min": 0, "max": 1000}], "decoder": {"kind": "json"}},
        content_type="application/json",
    )
    assert profile.status_code == 201, profile.content
    bad = client.post(
        base + "/profiles",
        data={"name": "bad", "keys": [{"key": "t"}], "decoder": {"kind": "bytes", "fields": [{"key": "t"}]}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decoder.fields[0]"
    body = {
        "profile_id": profile.json()["id"],
        "name": "PM2.5 ตลาด",
        "serial": "AQ-77",
        "lat": 16.54,
        "lon": 102.1,
    }
    created = client.post(base + "/devices", data=body, content_type="application/json")
    assert created.status_code == 201, created.content
    credential = created.json()["credential"]
    assert created.json()["mqtt_username"] == credential.split("_")[1]
    again = client.post(base + "/devices", data=body, content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "serial"
    listed = client.get(base + "/devices").json()
    assert "credential" not in str(listed) and credential not in str(listed)
    assert post("AQ-77", {"values": {"pm25": 12}}, credential).json() == {"status": "stored", "rows": 1}
