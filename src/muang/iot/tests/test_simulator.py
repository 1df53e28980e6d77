"""The simulator: deterministic readings (a daily cycle, the haze episode, lights by night, lamp failures), one
cycle stored through every real channel (MQTT through a real Mosquitto, ChirpStack and The Things Stack
webhooks), a lamp failure opening an alarm and a repair case for กองช่าง, and channels that are down."""

import datetime as dt
import io
import json
import re
import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from muang.cases.models import Case
from muang.core.demo import load_demo
from muang.iot.demo import SEED, load_demo_iot, read_credentials
from muang.iot.models import Alarm, Device, Telemetry
from muang.iot.simulator import (
    SimDevice,
    Simulator,
    air_values,
    gauge_frame,
    gauge_values,
    lamp_failed,
    light_values,
)
from muang.iot.tests.test_mqtt import MOSQUITTO, broker, drain, free_port  # noqa: F401 (the broker fixture)

pytestmark = pytest.mark.usefixtures("areas")
NIGHT = dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC)  # 22:00 in Bangkok
MORNING = dt.datetime(2026, 12, 5, 1, 30, tzinfo=dt.UTC)  # 08:30
NOON = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)  # 13:00, after the haze
NEEDS_BROKER = pytest.mark.skipif(not Path(MOSQUITTO).exists(), reason="scripts/setup.sh installs mosquitto")
LATE = dt.datetime(2026, 12, 5, 19, 0, tzinfo=dt.UTC)  # 02:00, after midnight


def sim(org="chumphae", kind="air", serial="AQ-CHUMPHAE-01"):
    return SimDevice(org=org, kind=kind, serial=serial, channel="mqtt", credential_id="x", credential="y")


def test_the_same_seed_and_clock_give_the_same_readings():
    assert air_values(sim(), MORNING, seed=SEED) == air_values(sim(), MORNING, seed=SEED)
    assert air_values(sim(), MORNING, seed=SEED) != air_values(sim(), MORNING, seed=SEED + 1)


def test_the_haze_episode_pushes_pm25_past_the_standard_where_it_passes():
    hazy, clear = sim(), sim(org="chaiso", serial="AQ-CHAISO-01")
    assert air_values(hazy, MORNING, seed=SEED)["pm2_5"] > 37.5
    assert air_values(clear, MORNING, seed=SEED)["pm2_5"] < 37.5
    assert air_values(hazy, NOON, seed=SEED)["pm2_5"] < 37.5
    assert air_values(clear, MORNING, seed=SEED, haze="on")["pm2_5"] > 37.5


def test_lights_are_on_at_night_dimmed_after_midnight_and_off_by_day():
    lamp = sim("nonsaat", "light", "SL-0001")
    assert not lamp_failed(lamp, NIGHT, seed=SEED)
    night, late, day = (light_values(lamp, t, seed=SEED) for t in (NIGHT, LATE, NOON))
    assert night["on"] and night["dim"] == 100 and night["power_w"] > 50
    assert late["on"] and late["dim"] == 50 and late["power_w"] < night["power_w"]
    assert not day["on"] and day["power_w"] == 0
    assert late["energy_kwh"] >= night["energy_kwh"]  # a meter never runs backwards


def test_a_gauge_frame_follows_the_byte_layout():
    level, battery = gauge_values(sim("nanongthum", "gauge", "GAUGE-NANONGTHUM-01"), NOW_STORM, seed=SEED)
    assert level > 4.5  # the afternoon storm's run-off: over the danger level
    assert struct.unpack(">hB", gauge_frame(level, battery)) == (round(level * 100), battery)


NOW_STORM = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)  # 18:00 in Bangkok


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The demo (its devices are what the broker fixture writes into the broker's files), the clock at night."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NIGHT)
    load_demo()
    path = tmp_path / "iot-demo.json"
    load_demo_iot(path=path, broker_dir=tmp_path / "mqtt")
    return read_credentials(path)


@pytest.fixture
def mosquitto(request):
    """test_mqtt's real broker, its files written from this module's `world`: the demo's devices."""
    return request.getfixturevalue("broker")


def django_post(path, body, headers):
    return Client().post(path, data=body, content_type="application/json",
                         HTTP_X_MUANG_SECRET=headers["X-Muang-Secret"]).status_code  # fmt: skip


def devices_of(data):
    return [SimDevice(**{k: d[k] for k in SimDevice.__dataclass_fields__}) for d in data["devices"]]


@NEEDS_BROKER
def test_one_cycle_stores_every_devices_reading_and_a_failed_lamp_opens_a_case_for_the_engineers(
    world, mosquitto
):
    port, consumer = mosquitto
    devices = devices_of(world)
    failed = [d for d in devices if d.kind == "light" and lamp_failed(d, NIGHT, seed=SEED)]
    assert failed  # the seed fails a lamp or two tonight
    simulator = Simulator(
        devices, world["lorawan"], seed=SEED, post=django_post, mqtt_port=port, clock=lambda: NIGHT
    )
    tally = simulator.cycle()
    simulator.close()
    assert tally.failed == {} and tally.sent == {"mqtt": 62, "chirpstack": 3, "tts": 1}
    drain(consumer, lambda: Device.objects.filter(last_seen__isnull=False).count() == 66)
    assert Device.objects.filter(last_seen=NIGHT).count() == 66  # every channel stored its readings
    gauge = Device.objects.get(serial="GAUGE-CHUMPHAE-02")  # through The Things Stack
    assert set(Telemetry.objects.filter(device_id=gauge.pk).values_list("key", flat=True)) == {
        "level",
        "battery",
    }
    for lamp in failed:
        device = Device.objects.get(serial=lamp.serial)
        alarm = Alarm.objects.get(device=device, alarm_type="lamp_failure")
        case = Case.objects.get(pk=alarm.case_id)
        assert case.department.code == "engineering" and case.category.code == "streetlight"
    assert Alarm.objects.filter(alarm_type="lamp_failure").count() == len(failed)
    assert Case.objects.count() == len(failed)


@NEEDS_BROKER
def test_the_command_logs_a_cycle_and_survives_a_web_server_that_is_down(
    world, mosquitto, settings, tmp_path
):
    port, consumer = mosquitto
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("iot_simulate", "--once", "--mqtt-port", str(port), "--url", f"http://127.0.0.1:{free_port()}",
                 stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert re.match(r"cycle 1 at \d\d:\d\d:\d\d Bangkok: ", lines[-1])
    assert "chirpstack 0/3" in lines[-1] and "mqtt 62/62" in lines[-1] and "tts 0/1" in lines[-1]
    drain(consumer, lambda: Device.objects.filter(last_seen__isnull=False).count() == 62)
    assert Device.objects.filter(last_seen__isnull=False).count() == 62


def test_a_broker_and_web_server_that_are_down_are_counted_not_raised():
    def refused(*_args):
        raise ConnectionRefusedError

    devices = [
        sim(),
        SimDevice("chumphae", "gauge", "GAUGE-CHUMPHAE-01", "chirpstack", "x", "y", "70B3D5FFFE010001"),
    ]
    simulator = Simulator(devices, {}, seed=SEED, post=refused, mqtt_port=free_port(), clock=lambda: NIGHT)
    tally = simulator.cycle()
    assert tally.all_failed and tally.failed == {"mqtt": 1, "chirpstack": 1}
    assert json.dumps(tally.sent) == "{}"
