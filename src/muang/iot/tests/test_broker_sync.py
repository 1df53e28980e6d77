"""A device added, re-keyed or retired reaches the running broker by itself: after the commit its services
rewrite the password and ACL files and signal Mosquitto (SIGHUP through its pid file), with no manual reload.
Against the real Mosquitto, started from the same config writer as scripts/mqtt.sh."""

import time

import pytest

from muang.core.access import SYSTEM
from muang.iot.models import Telemetry
from muang.iot.services.devices import device_create, device_retire, device_rotate_credential
from muang.iot.tests.factories import air_profile
from muang.iot.tests.test_mqtt import MOSQUITTO, broker, connect, drain, publish  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.usefixtures("areas")]


@pytest.fixture
def live_broker(broker, settings):  # noqa: F811
    """The test broker's directory is the one the services write (MUANG_MQTT_DIR)."""
    port, consumer = broker
    settings.MUANG_MQTT_DIR = str(consumer_directory(port))
    return port, consumer


def consumer_directory(port):
    from pathlib import Path

    from django.conf import settings

    for conf in Path(settings.DATA_DIR).glob("mqtt-test-*/mosquitto.conf"):
        if f"listener {port} " in conf.read_text():
            return conf.parent
    raise AssertionError("the test broker's directory")


def connects(port, dev, secret, within: float = 5.0) -> bool:
    """Whether the broker lets the device in (retried: the broker re-reads its files on the signal)."""
    dev.secret = secret
    deadline = time.monotonic() + within
    while True:
        client, rc = connect(port, dev)
        client.loop_stop()
        client.disconnect()
        if rc is not None and not rc.is_failure:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_a_new_device_publishes_without_a_reload_and_a_retired_one_is_refused(
    world,
    live_broker,
    django_capture_on_commit_callbacks,
):
    org = world[0]
    port, consumer = live_broker
    with django_capture_on_commit_callbacks(execute=True):
        new, secret = device_create(
            actor=SYSTEM,
            organization=org,
            profile=air_profile(org, name="new air"),
            name="ใหม่",
            serial="AQ-NEW",
        )
    started = time.monotonic()
    assert connects(port, new, secret)
    assert time.monotonic() - started < 5
    client, _rc = connect(port, new)
    publish(client, f"muang/{org.slug}/devices/{new.serial}/up", {"id": "first", "values": {"pm2_5": 7}})
    drain(consumer, lambda: consumer.stats.stored >= 1)
    client.loop_stop()
    client.disconnect()
    assert Telemetry.objects.filter(organization=org, device=new).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        new, rotated = device_rotate_credential(actor=SYSTEM, device=new)
    assert connects(port, new, rotated)
    assert not connects(port, new, secret, within=1.0)  # the old credential is refused

    with django_capture_on_commit_callbacks(execute=True):
        device_retire(actor=SYSTEM, device=new)
    assert not connects(port, new, rotated, within=1.0)


def test_many_devices_in_one_commit_write_the_files_once(
    world,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from muang.iot.mqtt import broker as broker_module

    calls = []
    monkeypatch.setattr(broker_module, "sync_broker", lambda directory=None: calls.append(directory))
    org = world[0]
    profile = air_profile(org, name="bulk")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            device_create(actor=SYSTEM, organization=org, profile=profile, name=f"d{i}", serial=f"B-{i}")
    assert len(calls) == 1


def test_no_broker_configured_means_nothing_is_written(settings, tmp_path):
    from muang.iot.mqtt.broker import sync_broker

    assert sync_broker(tmp_path) is False
    assert list(tmp_path.iterdir()) == []


def test_the_mosquitto_binary_exists():
    from pathlib import Path

    assert Path(MOSQUITTO).exists()
