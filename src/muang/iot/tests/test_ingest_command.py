"""`manage.py iot_ingest --processes 2` as `make run` starts it: forked consumers share the subscription."""

import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from muang.iot.mqtt.broker import ingest_password
from muang.iot.mqtt.consumer import IngestConsumer
from muang.iot.tests.test_mqtt import MOSQUITTO, connect, private_broker, publish, rows, stamp
from muang.testing.waiting import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("areas"),
    pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="scripts/setup.sh installs mosquitto"),
]


@contextmanager
def ingest_running(directory: Path, port: int, processes: int):
    """`manage.py iot_ingest --processes N --client-id test-ingest` against this broker and the test database:
    yields the lines it prints (read as they come); stopped with SIGTERM at the end, and its exit code 0."""
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
    try:
        yield lines
    finally:
        ingest.send_signal(signal.SIGTERM)
        ingest.wait(timeout=30)
        reader.join(timeout=5)
    assert ingest.returncode == 0, lines


def test_two_forked_consumers_share_the_subscription_and_store_each_reading_once(world):
    org, _other, a, _b, _c = world
    with private_broker() as (directory, port, _broker), ingest_running(directory, port, 2) as lines:
        subscribed = lambda: sum("subscribed on" in line for line in lines) == 2  # noqa: E731
        assert wait_for(subscribed), lines
        assert any("test-ingest-0 subscribed" in line for line in lines)
        assert any("test-ingest-1 subscribed" in line for line in lines)
        publish_readings(port, org, a, range(10), "f")
        assert wait_for(lambda: len(rows(a)) == 10), rows(a)
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
    with private_broker() as (directory, port, _broker):
        away = IngestConsumer(host="127.0.0.1", port=port, password=ingest_password(directory),
                              client_id="test-ingest-1")  # fmt: skip
        away.start()
        away.stop()  # a persistent session: it stays subscribed while away
        publish_readings(port, org, a, range(4), "q")
        assert rows(a) == []  # queued for the session that is away
        with ingest_running(directory, port, 1) as lines:
            assert wait_for(lambda: any("subscribed on" in line for line in lines)), lines
            assert len(rows(a)) == 4
            retired = "test-ingest-1 retired; the 4 messages it held are ingested"
            assert any(retired in line for line in lines), lines
            publish_readings(port, org, a, range(4, 8), "q")  # the retired session takes no share of these
            assert wait_for(lambda: len(rows(a)) == 8), rows(a)
    assert sorted(v for _k, v in rows(a)) == [float(i) for i in range(8)]


def publish_readings(port: int, org, device, ids: range, prefix: str) -> None:
    """The device publishes one stamped reading of pm10 for each i in `ids`, with the message id prefix+i."""
    client, _rc = connect(port, device)
    up = f"muang/{org.slug}/devices/{device.serial}/up"
    for i in ids:
        publish(client, up, {"id": f"{prefix}{i}", "ts": stamp(i), "values": {"pm10": i}})
    client.loop_stop()
    client.disconnect()
