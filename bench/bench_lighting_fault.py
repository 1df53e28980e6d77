"""From a lamp's fault message to its open repair case, beside a normal message's ingest in the same run.

Each sample is one pole's controller (its own MQTT credential, as the broker's ACL wants) publishing at QoS 1
through a private Mosquitto to the shared-subscription consumer of `manage.py iot_ingest` (its `IngestConsumer`,
run in a thread of this process): the ingest service stores the batch, then the iot alarm rules and the
lighting telemetry listener run; the fault's case is opened through the cases services.

    baseline   a normal report (lamp lit, no fault): publish → its reading committed (the pole's state moved)
    figure     a lamp-failure report: publish → the pole's fault has its open case (what staff see)

    .venv/bin/python bench/bench_lighting_fault.py [--lamps 40] [--quick]
"""

import argparse
import datetime as dt
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from support import BENCH_DB, load_average, p95, report, setup_django

DB = f"{BENCH_DB}_lighting"
SLUG = "bench-lighting"
WEST, SOUTH, EAST, NORTH = 101.90, 16.35, 102.30, 16.75


def world(lamps: int):
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.management import call_command
    from django.test import override_settings

    from muang.cases.services import case_category_create
    from muang.cases.services.setup import seed_statuses
    from muang.core.access import SYSTEM
    from muang.core.models import Department, Duty, Organization, OrganizationKind, Province
    from muang.iot.demo import LIGHT, PROFILES
    from muang.iot.models import Device, DeviceProfile
    from muang.iot.services.devices import device_create, device_profile_create
    from muang.lighting.models import Fault, Pole, PoleState
    from muang.lighting.services.poles import pole_create

    if not Province.objects.exists():
        call_command("load_areas", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.TOWN_MUNICIPALITY,
            "name_th": "เทศบาลทดสอบไฟส่องสว่าง",
            "name_en": "Lighting bench town",
            "province_id": "40",
            "district_id": "4005",
            "boundary": MultiPolygon(Polygon.from_bbox((WEST, SOUTH, EAST, NORTH)), srid=4326),
        },
    )
    seed_statuses(org)
    works, _ = Department.objects.get_or_create(
        organization=org,
        code="works",
        defaults={"name_th": "กองช่าง", "name_en": "Works", "duties": [Duty.ENGINEERING]},
    )
    if not org.case_categories.filter(code="streetlight").exists():
        case_category_create(
            actor=SYSTEM,
            organization=org,
            code="streetlight",
            name_th="ไฟฟ้าส่องสว่าง",
            name_en="Street lights",
            default_department=works,
            sla_hours=16,
        )
    # A fresh start: the previous run's poles, faults and devices go (cases stay: they do not matter here).
    Fault.objects.filter(organization=org).delete()
    PoleState.objects.filter(organization=org).delete()
    Pole.objects.filter(organization=org).delete()
    Device.objects.filter(organization=org).delete()
    DeviceProfile.objects.filter(organization=org).delete()
    profile = device_profile_create(actor=SYSTEM, organization=org, **PROFILES[LIGHT])
    poles = []
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for i in range(lamps):
            lon, lat = 102.0 + i * 0.0003, 16.5
            device, secret = device_create(
                actor=SYSTEM, organization=org, profile=profile, name=f"lamp {i}", serial=f"BL-{i:04d}",
                lat=lat, lon=lon,
            )  # fmt: skip
            pole = pole_create(
                actor=SYSTEM,
                organization=org,
                code=f"B-{i:04d}",
                lat=lat,
                lon=lon,
                rated_watts=100,
                device=device,
            )
            poles.append((pole, device, secret))
    return org, poles


class Lamp:
    """One controller's MQTT connection."""

    def __init__(self, port: int, device, secret: str, org_slug: str):
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        self.topic = f"muang/{org_slug}/devices/{device.serial}/up"
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id=device.serial, protocol=mqtt.MQTTv5
        )
        self.client.username_pw_set(device.credential_id, secret)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def publish(self, values: dict) -> None:
        body = {"ts": dt.datetime.now(dt.UTC).isoformat(), "values": values}
        self.client.publish(self.topic, json.dumps(body), qos=1).wait_for_publish(10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_for(check, timeout: float = 30) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit("timed out waiting")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lamps", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="10 lamps")
    args = parser.parse_args()
    lamps = 10 if args.quick else args.lamps
    setup_django(database=DB)

    from django.conf import settings
    from django.db import connections
    from django.utils import timezone
    from support import free_port

    from muang.iot.mqtt.broker import ingest_password, write_broker_config
    from muang.iot.mqtt.consumer import IngestConsumer
    from muang.iot.services.partitions import telemetry_partitions_maintain
    from muang.lighting.models import Fault, PoleState
    from muang.lighting.sun import is_night, place_of

    telemetry_partitions_maintain()
    org, poles = world(lamps)
    night = (
        is_night(*place_of(org), timezone.now()) is not False
    )  # lit by night (and in twilight), off by day
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    directory = Path(tempfile.mkdtemp(prefix="mqtt-bench-", dir=settings.DATA_DIR))
    port = free_port()
    broker = subprocess.Popen(
        [mosquitto, "-c", str(write_broker_config(directory, port=port))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = threading.Event()
    running.set()
    consumer = None
    clients: list[Lamp] = []
    try:
        time.sleep(0.5)
        consumer = IngestConsumer(host="127.0.0.1", port=port, password=ingest_password(directory))
        consumer.start()

        def ingest_loop():
            try:
                while running.is_set():
                    consumer.flush(wait=0.05)
            finally:
                connections.close_all()

        thread = threading.Thread(target=ingest_loop, name="iot_ingest")
        thread.start()
        clients = [Lamp(port, device, secret, org.slug) for _pole, device, secret in poles]
        normal = {
            "on": night,
            "dim": 100 if night else 0,
            "power_w": 100.0 if night else 0.0,
            "lamp_failure": False,
        }
        failed = {"on": True, "dim": 100, "power_w": 1.5, "lamp_failure": True}
        baseline, figure = [], []
        for (pole, _device, _secret), lamp in zip(poles, clients, strict=True):
            seen = PoleState.objects.filter(pole=pole).values_list("reported_at", flat=True).first()
            t0 = time.monotonic()
            lamp.publish(normal)
            done = wait_for(
                lambda p=pole, s=seen: PoleState.objects.filter(pole=p).exclude(reported_at=s).exists()
            )
            baseline.append((done - t0) * 1000)
            t0 = time.monotonic()
            lamp.publish(failed)
            done = wait_for(
                lambda p=pole: Fault.objects.filter(
                    pole=p, kind="lamp_failure", cleared_at__isnull=True, case__isnull=False
                ).exists()
            )
            figure.append((done - t0) * 1000)
        report(
            f"lamp fault message → open repair case (MQTT, {lamps} lamps)",
            f"p95 {p95(figure):,.0f} ms",
            "normal message → committed state, p95",
            f"{p95(baseline):,.0f} ms (medians {sorted(figure)[len(figure) // 2]:,.0f} / "
            f"{sorted(baseline)[len(baseline) // 2]:,.0f} ms)",
            "≤ 2,000 ms",
        )
        print(f"load average: {load_average()}")
    finally:
        running.clear()
        for lamp in clients:
            lamp.close()
        if consumer is not None:
            time.sleep(0.2)
            consumer.stop()
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
