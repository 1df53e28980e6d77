"""POST /lorawan/tts/<org>/<event>: The Things Stack v3 webhooks (proto3 JSON, zero fields omitted)."""

import logging

import pytest

from muang.iot.lorawan.models import TtsDownlinkTarget
from muang.iot.models import DeviceAttribute, SeenMessage, Telemetry
from muang.iot.tests.lorawan_fixtures import post, recorded

URL = "/lorawan/tts/khonkaen"
PUSH = "https://au1.cloud.thethings.network/api/v3/as/applications/khonkaen-flood/webhooks/muang/devices/gauge-chi-river/down/push"
KEY = "NNSXS.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQR"


def readings(d) -> dict:
    return dict(
        Telemetry.objects.filter(organization_id=d.organization_id, device_id=d.pk).values_list(
            "key", "value"
        )
    )


def test_an_uplink_with_decoded_payload_is_stored_once(city):
    org, secret, _gauge, air = city
    body = recorded("tts_uplink_decoded")
    response = post(f"{URL}/uplink-message", body, secret)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored", "readings": 2}
    assert readings(air) == {"pm25": 18.2, "pm10": 30.5}
    time = Telemetry.objects.filter(organization_id=org.pk, device_id=air.pk).values_list("time", flat=True)[
        0
    ]
    assert time.isoformat() == "2026-12-05T02:30:00.321000+00:00"  # the uplink's reception by the network
    assert SeenMessage.objects.get(organization_id=org.pk, device=air).message_id == (
        "tts:as:up:01HF3Z8Q4YH8C1XK6V2N5B7M9P"
    )
    assert post(f"{URL}/uplink-message", body, secret).json()["status"] == "duplicate"  # a webhook retry
    assert Telemetry.objects.filter(organization_id=org.pk, device_id=air.pk).count() == 2


def test_an_uplink_with_only_frm_payload_and_an_omitted_zero_f_cnt(city):
    """f_cnt 0 is left out by proto3 JSON, and there is no correlation id: deduplicated by address + counter 0."""
    org, secret, gauge, _air = city
    body = recorded("tts_uplink_frm_payload")
    assert "f_cnt" not in body["uplink_message"]
    response = post(f"{URL}/uplink-message", body, secret)
    assert response.status_code == 200, response.content
    assert readings(gauge) == {"level": 1.23, "battery": 87.0, "temperature": 28.5}
    assert SeenMessage.objects.get(organization_id=org.pk, device=gauge).message_id == "fcnt:00BCB929:0"
    assert post(f"{URL}/uplink-message", body, secret).json()["status"] == "duplicate"
    attrs = dict(DeviceAttribute.objects.filter(device=gauge).values_list("key", "value"))
    assert attrs["lorawan_uplink"] == {"f_cnt": 0, "f_port": 10, "rssi": -101.0, "snr": -2.5}


def test_the_downlink_push_url_and_key_are_kept_and_never_logged(city, caplog):
    org, secret, gauge, _air = city
    caplog.set_level(logging.DEBUG)
    headers = {"HTTP_X_DOWNLINK_PUSH": PUSH, "HTTP_X_DOWNLINK_APIKEY": KEY}
    assert (
        post(f"{URL}/uplink-message", recorded("tts_uplink_frm_payload"), secret, **headers).status_code
        == 200
    )
    target = TtsDownlinkTarget.objects.get(organization=org, device=gauge)
    assert (target.push_url, target.api_key) == (PUSH, KEY)
    # A new key (the operator rotated it) replaces the old one on the next call of any kind.
    headers["HTTP_X_DOWNLINK_APIKEY"] = KEY + "2"
    assert post(f"{URL}/join-accept", recorded("tts_join_accept"), secret, **headers).status_code == 200
    assert TtsDownlinkTarget.objects.get(organization=org, device=gauge).api_key == KEY + "2"
    assert KEY not in caplog.text and secret not in caplog.text


def test_a_wrong_secret_keeps_nothing_not_even_the_downlink_key(city):
    org, _secret, _gauge, _air = city
    headers = {"HTTP_X_DOWNLINK_PUSH": PUSH, "HTTP_X_DOWNLINK_APIKEY": KEY}
    response = post(f"{URL}/uplink-message", recorded("tts_uplink_frm_payload"), "mlw_nope", **headers)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert not TtsDownlinkTarget.objects.filter(organization=org).exists()
    assert not Telemetry.objects.filter(organization_id=org.pk).exists()


def test_a_join_accept_records_the_address_and_last_seen(city):
    _org, secret, gauge, _air = city
    assert post(f"{URL}/join-accept", recorded("tts_join_accept"), secret).json() == {"status": "accepted"}
    gauge.refresh_from_db()
    assert gauge.last_seen.isoformat() == "2026-12-05T01:45:00+00:00"
    assert DeviceAttribute.objects.get(device=gauge, key="lorawan_dev_addr").value == "00BCB929"


@pytest.mark.parametrize(
    "event", ["downlink-ack", "downlink-nack", "downlink-sent", "downlink-queued", "downlink-failed"]
)
def test_downlink_events_record_the_last_downlinks_fate(city, event):
    _org, secret, gauge, _air = city
    body = {"end_device_ids": {"device_id": "gauge-chi-river", "dev_eui": "0004A30B001C0530"}}
    assert post(f"{URL}/{event}", body, secret).status_code == 200
    assert (
        DeviceAttribute.objects.get(device=gauge, key="lorawan_downlink_status").value == event.split("-")[1]
    )


@pytest.mark.parametrize("event", ["service-data", "location-solved"])
def test_other_known_events_are_accepted(city, event):
    _org, secret, _gauge, _air = city
    body = {"end_device_ids": {"dev_eui": "0004A30B001C0530"}, "received_at": "2026-12-05T02:00:00Z"}
    assert post(f"{URL}/{event}", body, secret).json() == {"status": "accepted"}


@pytest.mark.parametrize(
    ("event", "body", "status", "field"),
    [
        ("uplink-message", {"end_device_ids": {"dev_eui": "0004A30B001C0530"}}, 422, "uplink_message"),
        ("uplink-message", {"end_device_ids": {"device_id": "x"}, "uplink_message": {}}, 422, "end_device_ids.dev_eui"),
        ("uplink-message", {"end_device_ids": {"dev_eui": "0004A30B001C0530"}, "uplink_message": {"frm_payload": "%%"}}, 422, "uplink_message.frm_payload"),
        ("uplink-message", {"end_device_ids": {"dev_eui": "0004A30B001C0530"}, "uplink_message": {"f_cnt": "7", "frm_payload": "AHtXAADkQQ=="}}, 422, "uplink_message.f_cnt"),
        ("uplink-message", {"end_device_ids": {"dev_eui": "A84041000181C1D2"}, "uplink_message": {"f_port": 2, "decoded_payload": {"pm2_5": -3}}}, 422, "pm25"),
        ("uplink-message", {"end_device_ids": {"dev_eui": "A84041000181C1D2"}, "uplink_message": {"frm_payload": "AQID"}}, 422, "uplink_message.decoded_payload"),
        ("uplink-message", {"end_device_ids": {"dev_eui": "A84041000181C1D2"}, "uplink_message": {"received_at": "2026-12-06T00:00:00Z", "decoded_payload": {"pm10": 3}}}, 422, "uplink_message.received_at"),
        ("downlink-maybe", {"end_device_ids": {"dev_eui": "0004A30B001C0530"}}, 400, "event"),
    ],
)  # fmt: skip
def test_malformed_webhooks_are_refused_naming_the_field(city, event, body, status, field):
    org, secret, _gauge, _air = city
    response = post(f"{URL}/{event}", body, secret)
    assert response.status_code == status, response.content
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert not Telemetry.objects.filter(organization_id=org.pk).exists()


@pytest.mark.parametrize(
    ("push", "key", "field"),
    [("ftp://tts.example/push", KEY, "X-Downlink-Push"), (PUSH + "x" * 1000, KEY, "X-Downlink-Push"),
     (PUSH, "k" * 1001, "X-Downlink-Apikey")],
)  # fmt: skip
def test_unusable_downlink_headers_are_refused_naming_them(city, push, key, field):
    org, secret, _gauge, _air = city
    headers = {"HTTP_X_DOWNLINK_PUSH": push, "HTTP_X_DOWNLINK_APIKEY": key}
    response = post(f"{URL}/uplink-message", recorded("tts_uplink_frm_payload"), secret, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not TtsDownlinkTarget.objects.filter(organization=org).exists()
    assert not Telemetry.objects.filter(organization_id=org.pk).exists()
