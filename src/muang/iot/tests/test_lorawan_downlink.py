"""Downlinks at the HTTP boundary: a local server stands in for ChirpStack's REST API and The Things Stack's push
URL (muang.testing.line_server), records what the adapter sent and answers with the recorded responses; the MQTT
`down` topic against a real Mosquitto (the broker of test_mqtt)."""

import json
import logging
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from muang.core.access import SYSTEM
from muang.core.errors import AccessDenied, InvalidInput, NotFound
from muang.core.tests.factories import OrganizationFactory
from muang.iot.lorawan.downlink import (
    ChirpStackDownlink,
    Downlink,
    DownlinkError,
    TtsDownlink,
    device_downlink_send,
    mqtt_publish_down,
)
from muang.iot.lorawan.models import TtsDownlinkTarget
from muang.iot.lorawan.services import chirpstack_api_set
from muang.iot.tests.lorawan_fixtures import recorded
from muang.iot.tests.test_mqtt import MOSQUITTO, broker, connect  # noqa: F401  (their broker, reused)
from muang.testing.line_server import start_recorded_server

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.chirpstack-api-token.sig"
KEY = "NNSXS.SECRETSECRETSECRETSECRETSECRETSECRETSE.CRETSECRETSECRETSECRETSECRETSECRETSECRETSE"
COMMAND = Downlink(data=bytes([0x01, 0x64]), f_port=10, confirmed=True)  # "dim to 100 %"


@pytest.fixture
def far_end():
    # Every answer is queued from the recordings below; the server's own default is never reached.
    state, server = start_recorded_server("line_push_200", lambda raw: json.loads(raw or b"{}"))
    yield state
    server.shutdown()
    server.server_close()


def test_chirpstack_enqueue_sends_the_recorded_request(far_end, caplog):
    caplog.set_level(logging.DEBUG)
    exchange = recorded("chirpstack_enqueue")
    far_end.answer_with((exchange["response"]["status"], exchange["response"]["body"]))
    adapter = ChirpStackDownlink(api_url=far_end.url + "/", api_token=TOKEN)
    assert (
        adapter.enqueue(dev_eui="0004A30B001C0530", downlink=COMMAND)
        == "0b6cbbf6-2f1c-4e2a-9d6c-4c1b64b0a1f3"
    )
    (seen,) = far_end.requests
    assert (seen.method, seen.path) == (exchange["request"]["method"], exchange["request"]["path"])
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["content-type"] == "application/json"
    assert seen.body == exchange["request"]["body"]
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(("status", "retryable"), [(401, False), (404, False), (503, True)])
def test_chirpstack_errors_say_whether_to_retry_and_never_carry_the_token(far_end, caplog, status, retryable):
    caplog.set_level(logging.DEBUG)
    far_end.answer_with((status, recorded("chirpstack_enqueue")["errors"][str(status)]))
    adapter = ChirpStackDownlink(api_url=far_end.url, api_token=TOKEN)
    with pytest.raises(DownlinkError) as caught:
        adapter.enqueue(dev_eui="0004A30B001C0530", downlink=COMMAND)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)
    assert f"ChirpStack answered {status}: " in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in caplog.text


def test_an_unreachable_network_server_is_retryable():
    adapter = ChirpStackDownlink(api_url="http://127.0.0.1:9", api_token=TOKEN, timeout=2)
    with pytest.raises(DownlinkError) as caught:
        adapter.enqueue(dev_eui="0004A30B001C0530", downlink=COMMAND)
    assert caught.value.retryable and caught.value.status is None
    assert TOKEN not in str(caught.value)


def test_tts_push_sends_the_recorded_request(far_end, caplog):
    caplog.set_level(logging.DEBUG)
    exchange = recorded("tts_push")
    far_end.answer_with((200, {}))
    adapter = TtsDownlink(push_url=far_end.url + exchange["request"]["path"], api_key=KEY)
    adapter.push(downlink=Downlink(data=bytes([0x01, 0x64]), f_port=10))
    (seen,) = far_end.requests
    assert (seen.method, seen.path) == ("POST", exchange["request"]["path"])
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body == exchange["request"]["body"]
    far_end.answer_with((200, {}))
    adapter.push(downlink=COMMAND)
    assert far_end.requests[1].body["downlinks"][0]["confirmed"] is True
    assert KEY not in caplog.text


@pytest.mark.parametrize(("status", "retryable"), [(403, False), (429, True)])
def test_tts_errors_say_whether_to_retry(far_end, caplog, status, retryable):
    caplog.set_level(logging.DEBUG)
    far_end.answer_with((status, recorded("tts_push")["errors"][str(status)]))
    with pytest.raises(DownlinkError) as caught:
        TtsDownlink(push_url=far_end.url + "/down/push", api_key=KEY).push(downlink=COMMAND)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)
    assert "The Things Stack answered" in str(caught.value)
    assert KEY not in str(caught.value) and KEY not in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"f_port": 0}, "f_port"), ({"f_port": 224}, "f_port"), ({"data": bytes(243)}, "data")],
)
def test_a_downlink_outside_lorawan_limits_is_refused(kwargs, field):
    with pytest.raises(InvalidInput) as caught:
        Downlink(**({"data": b"\x01"} | kwargs))
    assert field in caught.value.field_errors


def test_the_device_downlink_goes_the_way_the_device_reports(city, far_end):
    """The Things Stack when a push URL came with its webhooks, else ChirpStack for a device with a DevEUI."""
    org, _secret, gauge, air = city
    TtsDownlinkTarget.objects.create(
        organization=org, device=gauge, push_url=far_end.url + "/push", api_key=KEY
    )
    chirpstack_api_set(organization=org, url=far_end.url, token=TOKEN)
    far_end.answer_with((200, {}), (200, {"id": "q-1"}))
    assert device_downlink_send(actor=SYSTEM, organization=org, device_id=gauge.pk, downlink=COMMAND) == "tts"
    assert (
        device_downlink_send(actor=SYSTEM, organization=org, device_id=air.pk, downlink=COMMAND)
        == "chirpstack"
    )
    assert [r.path for r in far_end.requests] == ["/push", "/api/devices/a84041000181c1d2/queue"]
    assert far_end.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert far_end.requests[1].headers["authorization"] == f"Bearer {TOKEN}"


def test_the_device_downlink_is_tenant_checked(city):
    org, _secret, gauge, _air = city
    other = OrganizationFactory()
    with pytest.raises(NotFound):  # our device through another organisation
        device_downlink_send(actor=SYSTEM, organization=other, device_id=gauge.pk, downlink=COMMAND)
    from muang.core.access import Actor
    from muang.core.models import Role
    from muang.core.tests.factories import member

    officer = Actor(user=member(org, Role.OFFICER))  # an officer without the engineering duty
    with pytest.raises(AccessDenied):
        device_downlink_send(actor=officer, organization=org, device_id=gauge.pk, downlink=COMMAND)


@pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="scripts/setup.sh installs mosquitto")
@pytest.mark.usefixtures("areas")
def test_mqtt_downlink_reaches_only_the_devices_own_down_topic(world, broker):  # noqa: F811
    org, _other, a, b, _c = world
    port, _consumer = broker
    # The broker fixture's files are in a fresh directory under DATA_DIR: the one listening on this port.
    directory = next(
        p.parent
        for p in Path(settings.DATA_DIR).glob("mqtt-test-*/mosquitto.conf")
        if f"listener {port} " in p.read_text()
    )
    password = (directory / "ingest.secret").read_text().strip()
    received: dict[str, list[bytes]] = {"a": [], "b": []}
    subscribed = threading.Event()
    clients = []
    for name, dev in (("a", a), ("b", b)):
        client, rc = connect(port, dev)
        assert not rc.is_failure
        client.on_message = lambda _c, _u, msg, name=name: received[name].append(msg.payload)
        client.on_subscribe = lambda *_args: subscribed.set()
        subscribed.clear()
        client.subscribe(f"muang/{org.slug}/devices/{dev.serial}/down", qos=1)
        assert subscribed.wait(5)
        clients.append(client)
    mqtt_publish_down(device=a, payload=b"\x01\x64", host="127.0.0.1", port=port, password=password)
    deadline = time.monotonic() + 5
    while not received["a"] and time.monotonic() < deadline:
        time.sleep(0.02)
    for client in clients:
        client.loop_stop()
        client.disconnect()
    assert received == {"a": [b"\x01\x64"], "b": []}


def test_an_unreachable_broker_is_retryable(city):
    _org, _secret, gauge, _air = city
    with pytest.raises(DownlinkError) as caught:
        mqtt_publish_down(device=gauge, payload=b"\x01", host="127.0.0.1", port=9, password="x")
    assert caught.value.retryable
