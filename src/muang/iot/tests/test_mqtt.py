"""The MQTT channel against a real Mosquitto started from the same config writer as scripts/mqtt.sh."""

import datetime as dt
import json
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from muang.iot.models import Telemetry
from muang.iot.mqtt.broker import ingest_password, write_broker_config
from muang.iot.mqtt.consumer import IngestConsumer
from muang.iot.mqtt.wire import Refused

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
pytestmark = [
    pytest.mark.usefixtures("areas"),
    pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="scripts/setup.sh installs mosquitto"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(world):
    """A private broker on a free loopback port, its files written from the devices in the test database."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="mqtt-test-", dir=settings.DATA_DIR))
    port = free_port()
    conf = write_broker_config(directory, port=port, host="127.0.0.1")
    proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                shutil.rmtree(directory, ignore_errors=True)
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.05)
    # What `mosquitto -d` (scripts/mqtt.sh) writes: how the device services signal the broker to re-read its files.
    (directory / "data" / "mosquitto.pid").write_text(str(proc.pid))
    consumer = IngestConsumer(host="127.0.0.1", port=port, password=ingest_password(directory), max_wait=0.02)
    consumer.start()
    yield port, consumer
    consumer.stop()
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(directory, ignore_errors=True)


def connect(port, dev):
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"dev-{dev.pk}",
                         protocol=mqtt.MQTTv5)  # fmt: skip
    client.username_pw_set(dev.credential_id, dev.secret)
    result = {}
    client.on_connect = lambda _c, _u, _f, rc, _p: result.setdefault("rc", rc)
    client.connect("127.0.0.1", port)
    client.loop_start()
    deadline = time.monotonic() + 5
    while "rc" not in result and time.monotonic() < deadline:
        time.sleep(0.01)
    return client, result.get("rc")


def publish(client, topic, body, **user):
    props = None
    if user:
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = list(user.items())
    client.publish(topic, json.dumps(body), qos=1, properties=props).wait_for_publish(5)


def drain(consumer, until, timeout=30.0):
    """Let the consumer work until `until()` holds: returns as soon as it does, so the deadline only matters on a
    machine busy with parallel workers (10 s lost the simulator's 62 readings on a loaded 2-core machine)."""
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        consumer.flush(wait=0.1)


def rows(dev):
    return list(Telemetry.objects.filter(organization_id=dev.organization_id, device_id=dev.pk)
                .values_list("key", "value"))  # fmt: skip


def test_a_device_publishes_and_the_reading_is_stored_once(world, broker):
    org, _other, a, _b, c = world
    port, consumer = broker
    client, rc = connect(port, a)
    assert not rc.is_failure
    up = f"muang/{org.slug}/devices/{a.serial}/up"
    publish(client, up, {"id": "m-1", "values": {"pm2_5": 12.5}})
    publish(client, up, {"id": "m-1", "values": {"pm2_5": 12.5}})  # a repeated delivery
    publish(client, up, {"values": {"pm10": 20}}, id="m-2")  # the id as an MQTT v5 user property
    publish(client, up, {"values": {"pm10": 21}}, id="m-2")
    drain(consumer, lambda: consumer.stats.received >= 4)
    client.loop_stop()
    assert sorted(rows(a)) == [("pm10", 20.0), ("pm25", 12.5)]
    assert (consumer.stats.stored, consumer.stats.duplicate) == (2, 2)
    assert rows(c) == []  # the same serial in another organisation is another device


def test_the_acl_refuses_another_devices_topic_and_a_wrong_password(world, broker):
    org, other, a, b, c = world
    port, consumer = broker
    client, _rc = connect(port, a)
    publish(client, f"muang/{org.slug}/devices/{b.serial}/up", {"id": "forged", "values": {"pm2_5": 999}})
    publish(client, f"muang/{other.slug}/devices/{c.serial}/up", {"id": "forged", "values": {"pm2_5": 999}})
    # then its own topic: the consumer sees a client's messages in order, so this marks the end
    publish(client, f"muang/{org.slug}/devices/{a.serial}/up", {"id": "marker", "values": {"pm2_5": 1}})
    drain(consumer, lambda: consumer.stats.stored >= 1)
    client.loop_stop()
    assert rows(a) == [("pm25", 1.0)]
    assert rows(b) == [] and rows(c) == []
    assert consumer.stats.received == 1
    b.secret = a.secret
    _client, rc = connect(port, b)
    assert rc is not None and rc.is_failure  # b's username with a's password: not authorised


def test_a_refused_payload_is_acknowledged_counted_and_not_stored(world, broker):
    org, _other, a, _b, _c = world
    port, consumer = broker
    client, _rc = connect(port, a)
    publish(client, f"muang/{org.slug}/devices/{a.serial}/up", {"values": {"pm2_5": -5}})
    drain(consumer, lambda: consumer.stats.received >= 1)
    client.loop_stop()
    a.refresh_from_db()
    assert (consumer.stats.refused, a.error_count, rows(a)) == (1, 1, [])


class Broker:
    """A broker process that can be stopped and started again on the same files (its persistence included)."""

    def __init__(self, conf: Path, port: int):
        self.conf, self.port, self.proc = conf, port, None

    def start(self):
        command = [MOSQUITTO, "-c", str(self.conf)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert time.monotonic() < deadline and self.proc.poll() is None, "mosquitto did not start"
                time.sleep(0.05)

    def stop(self):
        self.proc.terminate()  # a clean stop writes the persistence file
        self.proc.wait(10)


@contextmanager
def private_broker():
    """(its directory, its port, the Broker) of a broker started on a free port from fresh files; stopped and its
    files removed at the end."""
    directory = Path(tempfile.mkdtemp(prefix="mqtt-test-", dir=settings.DATA_DIR))
    port = free_port()
    broker = Broker(write_broker_config(directory, port=port, host="127.0.0.1"), port)
    broker.start()
    try:
        yield directory, port, broker
    finally:
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)


def stamp(i: int) -> str:
    return (timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10 - i)).isoformat()


def test_a_restart_of_the_consumer_and_of_the_broker_loses_no_reading_and_stores_none_twice(
    world, monkeypatch
):
    org, _other, a, _b, _c = world
    directory = Path(tempfile.mkdtemp(prefix="mqtt-test-", dir=settings.DATA_DIR))
    port = free_port()
    broker = Broker(write_broker_config(directory, port=port, host="127.0.0.1"), port)
    broker.start()
    password = ingest_password(directory)
    try:
        first = IngestConsumer(
            host="127.0.0.1", port=port, password=password, client_id="ingest-a", max_wait=0.02
        )
        first.start()
        client, _rc = connect(port, a)
        up = f"muang/{org.slug}/devices/{a.serial}/up"
        for i in range(3):
            publish(client, up, {"id": f"m{i}", "ts": stamp(i), "values": {"pm10": i}})
        # The first consumer stores m0..m2 and dies before acknowledging them (commit done, PUBACK lost).
        monkeypatch.setattr(first, "_ack", lambda generation, batch: None)
        drain(first, lambda: first.stats.received >= 3)
        first.stop()
        assert len(rows(a)) == 3
        # While no consumer runs, the device goes on publishing; then the broker restarts.
        for i in range(3, 5):
            publish(client, up, {"id": f"m{i}", "ts": stamp(i), "values": {"pm10": i}})
        client.loop_stop()
        client.disconnect()
        broker.stop()
        broker.start()
        second = IngestConsumer(
            host="127.0.0.1", port=port, password=password, client_id="ingest-a", max_wait=0.02
        )
        second.start()
        drain(second, lambda: second.stats.received >= 5)
        second.stop()
        assert sorted(v for _k, v in rows(a)) == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert (second.stats.stored, second.stats.duplicate) == (2, 3)
        # The second consumer's PUBACKs (one write a batch) reached the broker: its session resumed by a third
        # holds nothing unacknowledged, so the third receives only what is published after it came.
        third = IngestConsumer(
            host="127.0.0.1", port=port, password=password, client_id="ingest-a", max_wait=0.02
        )
        third.start()
        client, _rc = connect(port, a)
        publish(client, up, {"id": "m5", "ts": stamp(5), "values": {"pm10": 5}})
        client.loop_stop()
        client.disconnect()
        drain(third, lambda: third.stats.received >= 1)
        third.stop()
        assert (third.stats.received, third.stats.stored) == (1, 1)
    finally:
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_a_wrong_ingest_password_is_refused_with_the_brokers_reason_code(world):
    with private_broker() as (_directory, port, _broker):
        consumer = IngestConsumer(host="127.0.0.1", port=port, password="not-the-secret")
        with pytest.raises(Refused) as refused:
            consumer.start()
        assert (refused.value.packet, refused.value.code) in {("CONNACK", 0x86), ("CONNACK", 0x87)}


def test_the_consumer_reconnects_by_itself_after_a_broker_restart_and_keeps_its_session(world):
    org, _other, a, _b, _c = world
    up = f"muang/{org.slug}/devices/{a.serial}/up"
    with private_broker() as (directory, port, broker):
        consumer = IngestConsumer(
            host="127.0.0.1",
            port=port,
            password=ingest_password(directory),
            client_id="ingest-r",
            max_wait=0.02,
        )
        consumer.start()
        client, _rc = connect(port, a)
        publish(client, up, {"ts": stamp(0), "values": {"pm10": 0}}, id="r0")
        drain(consumer, lambda: consumer.stats.stored >= 1)
        client.loop_stop()
        client.disconnect()
        # r1 reaches the broker and is sent on to the consumer, which does not read it before the broker
        # restarts: unacknowledged, it stays in the persisted session and comes again on the new connection.
        client, _rc = connect(port, a)
        publish(client, up, {"ts": stamp(1), "values": {"pm10": 1}}, id="r1")
        client.loop_stop()
        client.disconnect()
        generation = consumer.session.generation
        broker.stop()
        broker.start()
        drain(consumer, lambda: consumer.stats.stored >= 2)
        assert consumer.session.generation == generation + 1
        assert sorted(v for _k, v in rows(a)) == [0.0, 1.0]
        consumer.stop()
