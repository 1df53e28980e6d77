"""The demo's devices, simulated (`manage.py iot_simulate`): realistic telemetry on each real channel.

    air stations     MQTT (QoS 1), JSON: a daily cycle (morning and evening peaks, afternoon dilution) and a
                     haze episode (06:00-13:00 Bangkok, in ชุมแพ and โนนสะอาด) that pushes PM2.5 past 37.5
    river gauges     LoRaWAN byte frames (level in cm, s16 big-endian; battery %, u8) posted as ChirpStack v4
                     `up` webhooks, one as a The Things Stack `uplink-message`, with the organisation's secret
    street lights    MQTT, JSON: on 18:15-06:00 Bangkok, dimmed to 50% after midnight; a few lamps fail for
                     two nights now and then (2% of the lamps a night), which opens repair cases

Values are pure functions of the seed, the device and the time: the same seed and clock give the same readings.
Sending is kept apart (MQTT clients, an HTTP poster) so a test can post through Django's test client. Nothing
here raises on a broker or web server that is down: the failure is counted, logged and retried next cycle.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import math
import random
import struct
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from muang.core.thai_dates import BANGKOK

logger = logging.getLogger("muang.iot.simulator")
HAZE_ORGS = frozenset({"chumphae", "nonsaat"})
HAZE_HOURS = (6, 13)  # local: the burning season's morning inversion
LIGHTS_ON = dt.time(18, 15)  # no astral: a fixed evening for Khon Kaen (sunset 17:45-18:50 over the year)
LIGHTS_OFF = dt.time(6, 0)
RATED_WATTS = (60, 90, 120)
LAMP_FAILURE_RATE = 0.02  # of the lamps, a night; a failed lamp stays failed for two nights
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the energy meters' zero
NAMESPACE = uuid.UUID(
    "6f1c2b0e-3d1a-4e55-9a51-6d756e616e67"
)  # deduplication ids: uuid5 of seed, device, time

Poster = Callable[[str, bytes, dict[str, str]], int]  # (path, body, headers) -> HTTP status


@dataclass(frozen=True)
class SimDevice:
    org: str
    kind: str  # air | gauge | light
    serial: str
    channel: str  # mqtt | chirpstack | tts
    credential_id: str
    credential: str
    dev_eui: str | None = None


def _rng(seed: int, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))  # noqa: S311 (a simulation, reproducible)


def _hours(now: dt.datetime) -> float:
    local = now.astimezone(BANGKOK)
    return local.hour + local.minute / 60 + local.second / 3600


def _bump(hours: float, centre: float, width: float) -> float:
    return math.exp(-((hours - centre) ** 2) / (2 * width**2))


def haze_active(device: SimDevice, now: dt.datetime, haze: str = "auto") -> bool:
    if haze == "on":
        return True
    if haze == "off":
        return False
    return device.org in HAZE_ORGS and HAZE_HOURS[0] <= _hours(now) < HAZE_HOURS[1]


def air_values(device: SimDevice, now: dt.datetime, *, seed: int, haze: str = "auto") -> dict:
    """The station's payload values (its decoder's keys: pm2_5, pm10, temp, rh)."""
    station = _rng(seed, device.serial)
    base = station.uniform(10, 20)
    noise = _rng(seed, device.serial, int(now.timestamp()))
    h = _hours(now)
    # Traffic and cooking fires at dawn and dusk, the boundary layer lifting in the afternoon.
    pm25 = base * (0.8 + 0.7 * _bump(h, 7.5, 1.5) + 0.5 * _bump(h, 19.5, 2) - 0.3 * _bump(h, 14, 2.5))
    if haze_active(device, now, haze):
        pm25 += station.uniform(35, 55) * (0.7 + 0.3 * _bump(h, 9, 2))
    pm25 = max(1.0, pm25 + noise.gauss(0, 1.5))
    temperature = 27 + 6 * math.sin((h - 9) / 24 * 2 * math.pi) + noise.gauss(0, 0.3)
    humidity = min(100.0, max(20.0, 90 - 2.2 * (temperature - 21) + noise.gauss(0, 2)))
    return {
        "pm2_5": round(pm25, 1),
        "pm10": round(pm25 * station.uniform(1.4, 1.8) + noise.uniform(0, 4), 1),
        "temp": round(temperature, 1),
        "rh": round(humidity, 1),
    }


def gauge_values(device: SimDevice, now: dt.datetime, *, seed: int) -> tuple[float, int]:
    """(level in metres, battery %). The first gauge of อบต.นาหนองทุ่ม rises past the danger level with the
    afternoon storm's run-off (15:00-21:00 Bangkok)."""
    gauge = _rng(seed, device.serial)
    h = _hours(now)
    level = (
        gauge.uniform(1.4, 2.4)
        + 0.15 * math.sin(h / 24 * 2 * math.pi)
        + _rng(seed, device.serial, int(now.timestamp())).gauss(0, 0.01)
    )
    if device.serial.endswith("NANONGTHUM-01"):
        level += 3.2 * _bump(h, 18, 1.6)
    days = (now - EPOCH).total_seconds() / 86400
    battery = int(100 - (days + gauge.uniform(0, 90)) % 90)  # replaced every 90 days: now and then below 15%
    return round(level, 2), max(0, min(100, battery))


def gauge_frame(level: float, battery: int) -> bytes:
    return struct.pack(">hB", round(level * 100), battery)


def lamp_failed(device: SimDevice, now: dt.datetime, *, seed: int) -> bool:
    """Whether the lamp is out: it failed this night or the night before (a night is dated by its evening)."""
    night = (now.astimezone(BANGKOK) - dt.timedelta(hours=12)).date()
    return any(
        _rng(seed, device.serial, "fail", night - dt.timedelta(days=d)).random() < LAMP_FAILURE_RATE
        for d in (0, 1)
    )


def lamp_rated_watts(serial: str, *, seed: int) -> int:
    """The rated power of a simulated lamp (the demo's pole register records it)."""
    return _rng(seed, serial).choice(RATED_WATTS)


def light_values(device: SimDevice, now: dt.datetime, *, seed: int, command: int | None = None) -> dict:
    """The controller's payload (the profile's keys): on, dim, power_w, energy_kwh, lamp_failure. A dimming
    level commanded on its `down` topic (the lighting schedule) overrides its own clock."""
    local = now.astimezone(BANGKOK).time()
    on = local >= LIGHTS_ON or local < LIGHTS_OFF
    dim = 50 if local < LIGHTS_OFF else 100  # after midnight the street needs half the light
    if command is not None:
        on, dim = command > 0, command
    failed = lamp_failed(device, now, seed=seed)
    lamp = _rng(seed, device.serial)
    rated = lamp.choice(RATED_WATTS)  # LED lanterns, watts (the lighting demo's poles say the same)
    noise = _rng(seed, device.serial, int(now.timestamp()))
    if not on:
        power = 0.0
    elif failed:
        power = 1.5  # the controller alone: the lamp draws nothing
    else:
        power = rated * dim / 100 * noise.uniform(0.97, 1.03)
    # About 11 hours a night at ~80% of the rated power since the meter was set to zero.
    days = (now - EPOCH).total_seconds() / 86400
    energy = lamp.uniform(100, 400) + days * rated * 0.8 * 11 / 1000
    return {
        "on": on,
        "dim": dim if on else 0,
        "power_w": round(power, 1),
        "energy_kwh": round(energy, 2),
        "lamp_failure": failed,
    }


def chirpstack_up(device: SimDevice, now: dt.datetime, frame: bytes, *, seed: int, f_cnt: int) -> dict:
    """A ChirpStack v4 `up` event as its HTTP integration posts it."""
    return {
        "deduplicationId": str(uuid.uuid5(NAMESPACE, f"{seed}:{device.serial}:{now.isoformat()}")),
        "time": now.isoformat(),
        "deviceInfo": {
            "tenantName": "Muang demo",
            "applicationName": "flood",
            "deviceProfileName": "river gauge",
            "deviceName": device.serial.lower(),
            "devEui": (device.dev_eui or "").lower(),
        },
        "devAddr": (device.dev_eui or "00000000")[-8:].lower(),
        "dr": 2,
        "fCnt": f_cnt,
        "fPort": 10,
        "data": base64.b64encode(frame).decode(),
        "rxInfo": [{"gatewayId": "0016c001f153a14c", "rssi": -100 - f_cnt % 12, "snr": 3.5}],
        "txInfo": {"frequency": 923200000},
    }


def tts_uplink(device: SimDevice, now: dt.datetime, frame: bytes, *, seed: int, f_cnt: int) -> dict:
    """A The Things Stack v3 `uplink-message` webhook body."""
    stamp = now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return {
        "end_device_ids": {
            "device_id": device.serial.lower(),
            "application_ids": {"application_id": f"{device.org}-flood"},
            "dev_eui": device.dev_eui,
            "dev_addr": (device.dev_eui or "00000000")[-8:],
        },
        "correlation_ids": [
            f"as:up:{uuid.uuid5(NAMESPACE, f'{seed}:{device.serial}:{now.isoformat()}').hex}"
        ],
        "received_at": stamp,
        "uplink_message": {
            "f_port": 10,
            "f_cnt": f_cnt,
            "frm_payload": base64.b64encode(frame).decode(),
            "rx_metadata": [{"gateway_ids": {"gateway_id": "kk-gw-01"}, "rssi": -98, "snr": 4.0}],
            "received_at": stamp,
        },
    }


def http_poster(base_url: str, timeout: float = 5) -> Poster:
    def post(path: str, body: bytes, headers: dict[str, str]) -> int:
        url = base_url.rstrip("/") + path  # our own web server: http only, from the command line
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    return post


@dataclass
class Tally:
    sent: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)

    def add(self, channel: str, ok: bool) -> None:
        bucket = self.sent if ok else self.failed
        bucket[channel] = bucket.get(channel, 0) + 1

    def line(self) -> str:
        channels = sorted(set(self.sent) | set(self.failed))
        parts = [f"{c} {self.sent.get(c, 0)}/{self.sent.get(c, 0) + self.failed.get(c, 0)}" for c in channels]
        return ", ".join(parts) or "no devices"

    @property
    def all_failed(self) -> bool:
        return not self.sent and bool(self.failed)


class MqttLink:
    """One device's connection to the broker (its own credential: the ACL lets it write its own topic only)."""

    def __init__(self, device: SimDevice, host: str, port: int):
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        self.device, self.host, self.port = device, host, port
        self.connected = threading.Event()
        self.answered = threading.Event()  # the broker said yes or no to the first connection
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"sim-{device.org}-{device.serial}",
            protocol=mqtt.MQTTv5,
        )
        self.client.username_pw_set(device.credential_id, device.credential)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.command: int | None = None  # the last dimming level commanded on the device's `down` topic
        self.client.on_disconnect = lambda *_args: self.connected.clear()
        self.started = False

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if not reason_code.is_failure:
            self.connected.set()
            if self.device.kind == "light":  # a light controller follows the schedule's commands
                client.subscribe(f"muang/{self.device.org}/devices/{self.device.serial}/down", qos=1)
        self.answered.set()

    def _on_message(self, _client, _userdata, message) -> None:
        try:
            dim = json.loads(message.payload)["dim"]
        except (ValueError, KeyError, TypeError):
            return
        if isinstance(dim, int) and not isinstance(dim, bool) and 0 <= dim <= 100:
            self.command = dim

    def publish(self, topic: str, body: dict, timeout: float = 5) -> bool:
        if not self.started:
            self.client.connect(self.host, self.port, keepalive=60)  # OSError when the broker is down
            self.client.loop_start()  # reconnects on its own afterwards
            self.started = True
            self.answered.wait(timeout)
        if not self.connected.is_set():
            # Refused, or the broker went away: paho's loop keeps reconnecting; this cycle counts a failure
            # at once rather than waiting on every device.
            return False
        info = self.client.publish(topic, json.dumps(body), qos=1)
        info.wait_for_publish(timeout)
        return info.is_published()

    def close(self) -> None:
        if self.started:
            self.client.disconnect()
            self.client.loop_stop()
            self.started = False


class Simulator:
    def __init__(
        self,
        devices: list[SimDevice],
        secrets: dict[str, str],
        *,
        seed: int,
        post: Poster,
        mqtt_host: str = "127.0.0.1",
        mqtt_port: int = 18830,
        haze: str = "auto",
        clock: Callable[[], dt.datetime] | None = None,
    ):
        self.devices, self.secrets, self.seed, self.post, self.haze = devices, secrets, seed, post, haze
        self.mqtt_host, self.mqtt_port = mqtt_host, mqtt_port
        # Django's clock, looked up at each call: a test that freezes it freezes the readings' times too.
        self.clock = clock or (lambda: timezone.now())
        self.links: dict[str, MqttLink] = {}
        self.cycles = 0

    def _link(self, device: SimDevice) -> MqttLink:
        key = f"{device.org}/{device.serial}"
        if key not in self.links:
            self.links[key] = MqttLink(device, self.mqtt_host, self.mqtt_port)
        return self.links[key]

    def _send(self, device: SimDevice, now: dt.datetime) -> bool:
        if device.channel == "mqtt":
            values = (
                air_values(device, now, seed=self.seed, haze=self.haze)
                if device.kind == "air"
                else light_values(device, now, seed=self.seed, command=self._link(device).command)
            )
            body = {"id": f"sim-{int(now.timestamp())}", "ts": now.isoformat(), "values": values}
            link = self._link(device)
            try:
                return link.publish(f"muang/{device.org}/devices/{device.serial}/up", body)
            except (OSError, RuntimeError, ValueError):
                link.close()
                self.links.pop(f"{device.org}/{device.serial}", None)  # a fresh connection next cycle
                return False
        secret = self.secrets.get(device.org, "")
        frame = gauge_frame(*gauge_values(device, now, seed=self.seed))
        f_cnt = int((now - EPOCH).total_seconds()) // 5 % 65536
        if device.channel == "tts":
            path = f"/lorawan/tts/{device.org}/uplink-message"
            body = tts_uplink(device, now, frame, seed=self.seed, f_cnt=f_cnt)
        else:
            path = f"/lorawan/chirpstack/{device.org}?event=up"
            body = chirpstack_up(device, now, frame, seed=self.seed, f_cnt=f_cnt)
        headers = {"Content-Type": "application/json", "X-Muang-Secret": secret}
        try:
            status = self.post(path, json.dumps(body).encode(), headers)
        except (OSError, urllib.error.URLError):
            return False
        if status >= 300:
            logger.warning("simulator: %s %s answered %s", device.channel, device.serial, status)
        return status < 300

    def cycle(self) -> Tally:
        """One reading from every device; never raises for a channel that is down."""
        now = self.clock().astimezone(dt.UTC).replace(microsecond=0)
        tally = Tally()
        for device in self.devices:
            try:
                ok = self._send(device, now)
            except Exception:  # a simulator must keep running: log and count, retry next cycle
                logger.exception("simulator: %s failed", device.serial)
                ok = False
            tally.add(device.channel, ok)
        self.cycles += 1
        return tally

    def run(self, *, interval: float, once: bool, log: Callable[[str], None], stop: threading.Event) -> None:
        backoff = interval
        while not stop.is_set():
            tally = self.cycle()
            local = self.clock().astimezone(BANGKOK).strftime("%H:%M:%S")
            log(f"cycle {self.cycles} at {local} Bangkok: {tally.line()}")
            if once:
                break
            # Everything down (broker and web server): wait longer each time, up to a minute.
            backoff = min(backoff * 2, 60) if tally.all_failed else interval
            stop.wait(backoff)
        self.close()

    def close(self) -> None:
        for link in self.links.values():
            link.close()
        self.links.clear()
