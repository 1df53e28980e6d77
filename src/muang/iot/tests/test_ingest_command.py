"""`manage.py iot_ingest --processes 2` as `make run` starts it: forked consumers share the subscription."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from muang.iot.mqtt.broker import ingest_password, write_broker_config
from muang.iot.mqtt.consumer import IngestConsumer
from muang.iot.tests.test_mqtt import MOSQUITTO, Broker, connect, free_port, publish, rows, stamp

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("areas"),
    pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="scripts/setup.sh installs mosquitto"),
]


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def start_ingest(
    directory: Path, port: int, processes: int
) -> tuple[subprocess.Popen, list[str], threading.Thread]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "muang.settings",
        "MUANG_DB_NAME": connection.settings_dict["NAME"],
        "MUANG_MQTT_DIR": str(directory),
        "MUANG_MQTT_PORT": str(port),
    }
    command = ["iot_ingest", "--processes", str(processes), "--client-id", "test-ingest"]
    ingest = subprocess.Popen(  # noqa: S603  (this interpreter, fixed arguments)
        [sys.executable, "-m", "django", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(ingest.stdout), daemon=True)
    reader.start()
    return ingest, lines, reader


def test_two_forked_consumers_share_the_subscription_and_store_each_reading_once(world):
    org, _other, a, _b, _c = world
    directory = Path(tempfile.mkdtemp(prefix="mqtt-test-", dir=settings.DATA_DIR))
    port = free_port()
    broker = Broker(write_broker_config(directory, port=port, host="127.0.0.1"), port)
    broker.start()
    ingest, lines, reader = start_ingest(directory, port, 2)
    try:
        subscribed = lambda: sum("subscribed on" in line for line in lines) == 2  # noqa: E731
        assert wait_for(subscribed), lines
        assert any("test-ingest-0 subscribed" in line for line in lines)
        assert any("test-ingest-1 subscribed" in line for line in lines)
        client, _rc = connect(port, a)
        up = f"muang/{org.slug}/devices/{a.serial}/up"
        for i in range(10):
            publish(client, up, {"id": f"f{i}", "ts": stamp(i), "values": {"pm10": i}})
        client.loop_stop()
        client.disconnect()
        assert wait_for(lambda: len(rows(a)) == 10), rows(a)
    finally:
        ingest.send_signal(signal.SIGTERM)
        ingest.wait(timeout=30)
        reader.join(timeout=5)
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)
    assert ingest.returncode == 0, lines
    assert sorted(v for _k, v in rows(a)) == [float(i) for i in range(10)]
    # Each consumer says what it took at its stop: the broker shared the ten between them.
    taken = {}
    for line in lines:
        if "received," in line:
            name, counts = line.split(": ", 1)[1].split(": ", 1)
            taken[name] = int(counts.split()[0])
    assert set(taken) == {"test-ingest-0", "test-ingest-1"}, lines
    assert sum(taken.values()) == 10 and min(taken.values()) > 0, taken


def test_a_session_no_consumer_takes_any_more_is_emptied_into_the_database_and_retired(world):
    """Two consumers ran; now one does. Mosquitto would go on sharing the messages with the second's session,
    away for good: at start, what that session holds is stored and the session ends."""
    org, _other, a, _b, _c = world
    directory = Path(tempfile.mkdtemp(prefix="mqtt-test-", dir=settings.DATA_DIR))
    port = free_port()
    broker = Broker(write_broker_config(directory, port=port, host="127.0.0.1"), port)
    broker.start()
    up = f"muang/{org.slug}/devices/{a.serial}/up"
    ingest = None
    try:
        away = IngestConsumer(host="127.0.0.1", port=port, password=ingest_password(directory),
                              client_id="test-ingest-1")  # fmt: skip
        away.start()
        away.stop()  # a persistent session: it stays subscribed while away
        client, _rc = connect(port, a)
        for i in range(4):
            publish(client, up, {"id": f"q{i}", "ts": stamp(i), "values": {"pm10": i}})
        client.loop_stop()
        client.disconnect()
        assert rows(a) == []  # queued for the session that is away
        ingest, lines, reader = start_ingest(directory, port, 1)
        assert wait_for(lambda: any("subscribed on" in line for line in lines)), lines
        assert len(rows(a)) == 4
        assert any("test-ingest-1 retired; the 4 messages it held are ingested" in line for line in lines), (
            lines
        )
        client, _rc = connect(port, a)  # the retired session takes no share of what comes next
        for i in range(4, 8):
            publish(client, up, {"id": f"q{i}", "ts": stamp(i), "values": {"pm10": i}})
        client.loop_stop()
        client.disconnect()
        assert wait_for(lambda: len(rows(a)) == 8), rows(a)
    finally:
        if ingest is not None:
            ingest.send_signal(signal.SIGTERM)
            ingest.wait(timeout=30)
            reader.join(timeout=5)
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)
    assert ingest.returncode == 0, lines
    assert sorted(v for _k, v in rows(a)) == [float(i) for i in range(8)]
