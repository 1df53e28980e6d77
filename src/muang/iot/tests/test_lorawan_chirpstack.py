"""POST /lorawan/chirpstack/<org>?event=…: ChirpStack v4's HTTP integration (marshaler=json), recorded bodies."""

import base64
import logging

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.iot.lorawan.models import LorawanIntegration
from muang.iot.models import Device, DeviceAttribute, LatestValue, SeenMessage, Telemetry
from muang.iot.tests.factories import gauge_profile
from muang.iot.tests.lorawan_fixtures import GAUGE_EUI, NOW, post, recorded

URL = "/lorawan/chirpstack/khonkaen"


def readings(d) -> dict:
    return dict(
        Telemetry.objects.filter(organization_id=d.organization_id, device_id=d.pk).values_list(
            "key", "value"
        )
    )


def attributes(d) -> dict:
    return dict(
        DeviceAttribute.objects.filter(organization_id=d.organization_id, device=d).values_list(
            "key", "value"
        )
    )


def test_an_uplink_decoded_by_the_network_server_is_stored_with_its_signal(city):
    org, secret, _gauge, air = city
    response = post(f"{URL}?event=up", recorded("chirpstack_up_object"), secret)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored", "readings": 3}
    assert readings(air) == {"pm25": 23.4, "pm10": 41.0, "online": 1.0}
    time = Telemetry.objects.filter(organization_id=org.pk, device_id=air.pk).values_list("time", flat=True)[
        0
    ]
    assert time.isoformat() == "2026-12-05T01:58:12.123456+00:00"  # the network server's time, not arrival
    # The best gateway's signal and the frame counter are the device's attributes.
    assert attributes(air) == {
        "lorawan_uplink": {"rssi": -97.0, "snr": 7.5, "f_cnt": 42, "f_port": 2},
    }
    air.refresh_from_db()
    assert air.last_seen == NOW and air.error_count == 0


def test_a_frame_without_object_is_decoded_by_the_profiles_byte_layout(city):
    org, secret, gauge, _air = city
    response = post(f"{URL}?event=up", recorded("chirpstack_up_data"), secret)
    assert response.status_code == 200, response.content
    assert readings(gauge) == {"level": 1.23, "battery": 87.0, "temperature": 28.5}
    assert LatestValue.objects.get(organization_id=org.pk, device=gauge, key="level").value == 1.23


def test_the_same_deduplication_id_is_stored_once(city):
    org, secret, gauge, _air = city
    body = recorded("chirpstack_up_data")
    assert post(f"{URL}?event=up", body, secret).json()["status"] == "stored"
    again = post(f"{URL}?event=up", body, secret)
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "readings": 0}
    assert Telemetry.objects.filter(organization_id=org.pk, device_id=gauge.pk).count() == 3
    assert SeenMessage.objects.get(organization_id=org.pk, device=gauge).message_id == (
        "cs:9a1f0c55-2d4b-4c61-8e0a-77b1d2c3e4f5"
    )


def test_missing_and_zero_fields_fall_back_to_arrival_time_and_the_frame_counter(city):
    """No deduplicationId, time, devAddr nor fCnt (proto3 leaves zeros out): stored at arrival, deduplicated by
    frame counter 0; an upper-case DevEUI finds the device too."""
    org, secret, gauge, _air = city
    body = recorded("chirpstack_up_zero")
    assert post(f"{URL}?event=up", body, secret).json() == {"status": "stored", "readings": 3}
    assert post(f"{URL}?event=up", body, secret).json()["status"] == "duplicate"
    assert readings(gauge) == {"level": -0.2, "battery": 50.0, "temperature": -1.5}
    assert set(
        Telemetry.objects.filter(organization_id=org.pk, device_id=gauge.pk).values_list("time", flat=True)
    ) == {NOW}
    assert SeenMessage.objects.get(organization_id=org.pk, device=gauge).message_id == "fcnt:-:0"
    assert attributes(gauge)["lorawan_uplink"] == {"f_cnt": 0, "f_port": 10}


@pytest.mark.parametrize("secret", [None, "", "mlw_wrong", "{secret}x"])
def test_a_missing_or_wrong_secret_is_refused_counted_and_nothing_is_stored(city, secret, caplog):
    org, good, _gauge, _air = city
    caplog.set_level(logging.DEBUG)
    response = post(
        f"{URL}?event=up",
        recorded("chirpstack_up_data"),
        None if secret is None else secret.format(secret=good),
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert Telemetry.objects.filter(organization_id=org.pk).count() == 0
    assert SeenMessage.objects.filter(organization_id=org.pk).count() == 0
    assert LorawanIntegration.objects.get(organization=org).refused_count == 1
    assert good not in caplog.text


def test_the_bearer_header_is_accepted_as_well(city):
    _org, secret, gauge, _air = city
    response = post(f"{URL}?event=up", recorded("chirpstack_up_data"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200, response.content
    assert readings(gauge)


def test_another_organisations_device_is_not_found_and_its_secret_does_not_open_ours(city):
    org, secret, _gauge, _air = city
    other = OrganizationFactory(slug="udon")
    from muang.iot.lorawan.services import lorawan_secret_rotate
    from muang.iot.tests.factories import device

    other_secret = lorawan_secret_rotate(organization=other)
    theirs, _ = device(other, gauge_profile(other), serial="G-UDON", dev_eui="1111111111111111")
    body = recorded("chirpstack_up_data")
    body["deviceInfo"]["devEui"] = "1111111111111111"
    response = post(f"{URL}?event=up", body, secret)  # our secret, their DevEUI
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "devEui", "message": "Register the device with this DevEUI first."}
    ]
    assert post(f"{URL}?event=up", body, other_secret).status_code == 401  # their secret, our URL
    assert post("/lorawan/chirpstack/no-such-town?event=up", body, secret).status_code == 404
    assert Telemetry.objects.filter(organization_id__in=[org.pk, other.pk]).count() == 0
    theirs.refresh_from_db()
    assert theirs.last_seen is None


@pytest.mark.parametrize(
    ("mutate", "status", "field"),
    [
        (lambda b: b.update(data="not base64!"), 422, "data"),
        (lambda b: b["deviceInfo"].update(devEui="0004a30b"), 422, "deviceInfo.devEui"),
        (lambda b: b.pop("deviceInfo"), 422, "deviceInfo.devEui"),
        (lambda b: b.update(time="yesterday"), 422, "time"),
        (lambda b: b.update(fCnt=-1), 422, "fCnt"),
        (lambda b: b.update(rxInfo=[{"rssi": "loud"}]), 422, "rxInfo[0].rssi"),
        (
            lambda b: b.update(data=base64.b64encode(b"\x00").decode()),
            422,
            "level",
        ),  # a frame too short for the layout
        (lambda b: b.pop("data"), 422, "data"),
        (lambda b: b.update(time="2026-12-05T04:00:00+00:00"), 422, "time"),  # an hour ahead of the clock
        (lambda b: b.update(time="2024-01-01T00:00:00+07:00"), 422, "time"),  # older than the retention
    ],
)
def test_a_malformed_field_is_refused_naming_it_and_counted(city, mutate, status, field):
    org, secret, _gauge, _air = city
    body = recorded("chirpstack_up_data")
    mutate(body)
    response = post(f"{URL}?event=up", body, secret)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json().get("errors", [])}, response.json()
    assert Telemetry.objects.filter(organization_id=org.pk).count() == 0


def test_a_refused_frame_counts_on_the_device(city):
    _org, secret, gauge, _air = city
    body = recorded("chirpstack_up_data")
    body["data"] = base64.b64encode(b"\x00").decode()
    assert post(f"{URL}?event=up", body, secret).status_code == 422
    gauge.refresh_from_db()
    assert gauge.error_count == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [(b"{not json", 400, "malformed_body"), (b"[1, 2]", 400, "malformed_body")],
)
def test_unreadable_json_is_a_400(city, body, status, code):
    _org, secret, _gauge, _air = city
    response = post(f"{URL}?event=up", body, secret)
    assert response.status_code == status and response.json()["code"] == code


def test_an_unknown_event_is_a_400_naming_the_parameter(city):
    _org, secret, _gauge, _air = city
    for url in (f"{URL}?event=location-ish", URL):
        response = post(url, recorded("chirpstack_up_data"), secret)
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_event"
        assert response.json()["errors"][0]["field"] == "event"


def test_a_body_over_the_limit_is_a_413(city, settings):
    _org, secret, _gauge, _air = city
    settings.MUANG_LORAWAN_MAX_BODY = 200
    response = post(f"{URL}?event=up", recorded("chirpstack_up_object"), secret)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_only_post_is_answered(city):
    from django.test import Client

    assert Client().get(f"{URL}?event=up").status_code == 405


def test_a_status_event_records_battery_and_margin(city):
    _org, secret, gauge, _air = city
    response = post(f"{URL}?event=status", recorded("chirpstack_status"), secret)
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    assert attributes(gauge) == {
        "lorawan_battery_level": 77.5,
        "lorawan_margin": 9,
        "lorawan_external_power_source": False,
    }
    gauge.refresh_from_db()
    assert gauge.last_seen.isoformat() == "2026-12-05T02:10:00+00:00"
    # Mains-powered, or a battery level the device could not measure: no battery level is recorded.
    body = recorded("chirpstack_status") | {"batteryLevelUnavailable": True, "batteryLevel": None}
    DeviceAttribute.objects.filter(device=gauge).delete()
    post(f"{URL}?event=status", body, secret)
    assert "lorawan_battery_level" not in attributes(gauge)


def test_a_join_records_the_session_address_and_last_seen(city):
    _org, secret, gauge, _air = city
    assert post(f"{URL}?event=join", recorded("chirpstack_join"), secret).status_code == 200
    gauge.refresh_from_db()
    assert attributes(gauge) == {"lorawan_dev_addr": "00bcb929"}
    assert gauge.last_seen.isoformat() == "2026-12-05T01:50:00+00:00"


def test_a_log_event_is_counted_and_logged(city, caplog):
    org, secret, gauge, _air = city
    caplog.set_level(logging.INFO, logger="muang.iot.lorawan")
    assert post(f"{URL}?event=log", recorded("chirpstack_log"), secret).json() == {"status": "accepted"}
    assert LorawanIntegration.objects.get(organization=org).log_count == 1
    assert "UPLINK_CODEC" in caplog.text
    assert not DeviceAttribute.objects.filter(device=gauge).exists()


@pytest.mark.parametrize(
    ("event", "body", "status"),
    [("ack", {"acknowledged": True}, "ack"), ("ack", {}, "nack"), ("txack", {"fCntDown": 3}, "txack")],
)
def test_downlink_acknowledgements_are_recorded(city, event, body, status):
    _org, secret, gauge, _air = city
    body = {"deviceInfo": {"devEui": GAUGE_EUI}, "queueItemId": "5d1c3d6e-1111-2222-3333-444455556666"} | body
    assert post(f"{URL}?event={event}", body, secret).status_code == 200
    assert attributes(gauge) == {"lorawan_downlink_status": status}


def test_a_retired_device_is_refused(city):
    _org, secret, gauge, _air = city
    Device.objects.filter(pk=gauge.pk).update(state=Device.State.RETIRED)
    response = post(f"{URL}?event=up", recorded("chirpstack_up_data"), secret)
    assert response.status_code == 403


def test_an_uplink_costs_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    """The answer must come within ChirpStack's patience: a bounded number of statements per uplink, however many
    devices the organisation has."""
    _org, secret, _gauge, _air = city
    body = recorded("chirpstack_up_data")
    with django_assert_max_num_queries(QUERIES_PER_UPLINK):
        assert post(f"{URL}?event=up", body, secret).status_code == 200
    body["deduplicationId"] = "another"
    with django_assert_max_num_queries(QUERIES_PER_UPLINK):
        assert post(f"{URL}?event=up", body, secret).status_code == 200


QUERIES_PER_UPLINK = (
    # ingest: lock, claim the id, COPY, latest values, attribute, device, the alarm rules; ours: 4; the
    # environment app's telemetry listener: 1 (is the device a station?); the hourly roll-up's late mark: 1
    # (this recorded uplink is stamped an hour before NOW, an hour already ended; a current reading has none)
    29
)


def test_a_byte_layout_profile_reads_the_frame_even_when_a_codec_decoded_it(city):
    """The profile is the authority: a network-server codec's `object` does not replace the declared layout."""
    _org, secret, gauge, _air = city
    body = recorded("chirpstack_up_data") | {"object": {"waterLevel": 99, "bat": 1}}
    assert post(f"{URL}?event=up", body, secret).status_code == 200
    assert readings(gauge) == {"level": 1.23, "battery": 87.0, "temperature": 28.5}
