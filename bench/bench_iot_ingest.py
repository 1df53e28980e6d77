"""Telemetry ingest through the one ingest service, beside a raw COPY of the same rows in the same run.

The service path is what `manage.py iot_ingest` does with each MQTT batch: JSON payloads (with message ids)
decoded by the device's profile, every key validated, ids claimed for dedup, rows COPYed through a staging table
(`INSERT … ON CONFLICT DO NOTHING`), latest values upserted, devices' last_seen moved, one transaction per batch.
The baseline is a bare `COPY iot_telemetry FROM STDIN` of exactly the rows the service stored.

A second row measures MQTT end to end: publisher processes (one client per device, QoS 1, as the broker's ACL
wants) publish through a private Mosquitto to the shared-subscription consumer of `manage.py iot_ingest`
(in this process), from publish to committed row, with the p95 latency.

    .venv/bin/python bench/bench_iot_ingest.py [--devices 2000] [--messages 100000] [--batch 1000]
                                               [--mqtt-devices 20] [--mqtt-messages 20000]
"""

import argparse
import datetime as dt
import json
import random
import time

from support import BENCH_DB, report, setup_django, timed

DB = f"{BENCH_DB}_iot"
SLUG = "bench-iot"


def world(devices: int):
    from django.contrib.gis.geos import Point

    from muang.core.access import SYSTEM
    from muang.core.models import Organization, OrganizationKind, Province
    from muang.iot.models import Device, DeviceProfile
    from muang.iot.services.devices import device_profile_create

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": "เทศบาลทดสอบ IoT",
            "name_en": "IoT bench town",
            "province": province,
        },
    )
    profile = DeviceProfile.objects.filter(organization=org, name="air").first() or device_profile_create(
        actor=SYSTEM,
        organization=org,
        name="air",
        keys=[
            {"key": "pm25", "unit": "µg/m³", "type": "float", "min": 0, "max": 1000},
            {"key": "pm10", "unit": "µg/m³", "type": "float", "min": 0, "max": 2000},
            {"key": "temperature", "unit": "°C", "type": "float", "min": -40, "max": 85},
        ],
        decoder={"kind": "json"},
    )
    have = Device.objects.filter(organization=org).count()
    # Bench devices are made in bulk with unusable credentials: the bench measures ingest, not password hashing.
    Device.objects.bulk_create(
        [
            Device(
                organization=org,
                profile=profile,
                name=f"air {i}",
                serial=f"AQ-{i:06d}",
                location=Point(102.1 + i * 1e-5, 16.5, srid=4326),
                credential_id=f"bench{org.pk}x{i}",
                credential_hash="!",
                mqtt_hash="!",
            )
            for i in range(have, devices)
        ]
    )
    return org, list(
        Device.objects.filter(organization=org).select_related("profile", "organization")[:devices]
    )


def clear(org) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE iot_telemetry")  # the scratch database holds only the bench town
        cursor.execute("DELETE FROM iot_latestvalue WHERE organization_id = %s", [org.pk])
        cursor.execute("DELETE FROM iot_seenmessage WHERE organization_id = %s", [org.pk])


def publisher(port: int, username: str, password: str, topic: str, count: int, start_at: float) -> None:
    """One device: `count` QoS 1 messages as fast as the broker takes them; the id carries the publish time."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=username, protocol=mqtt.MQTTv5
    )
    client.username_pw_set(username, password)
    client.max_inflight_messages_set(200)
    client.connect("127.0.0.1", port)
    client.loop_start()
    while time.time() < start_at:
        time.sleep(0.001)
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    infos = []
    for i in range(count):
        ts = (base + dt.timedelta(seconds=i)).isoformat()
        body = f'{{"ts":"{ts}","id":"{i}-{time.time_ns()}","values":{{"pm25":{i % 500},"pm10":12.5}}}}'
        infos.append(client.publish(topic, body, qos=1))
    for info in infos:
        info.wait_for_publish(60)
    client.loop_stop()
    client.disconnect()


def bench_mqtt(org, devices_count: int, messages: int) -> None:
    import multiprocessing
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.test import override_settings
    from support import free_port, p95

    from muang.core.access import SYSTEM
    from muang.iot.models import Device, DeviceProfile, Telemetry
    from muang.iot.mqtt.broker import ingest_password, write_broker_config
    from muang.iot.mqtt.consumer import IngestConsumer
    from muang.iot.services.devices import device_create

    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    profile = DeviceProfile.objects.get(organization=org, name="air")
    Device.objects.filter(organization=org, serial__startswith="MQ-").delete()
    publishers = []
    # The bench does not measure password hashing: a fast hasher for the Django side of the credentials.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for i in range(devices_count):
            device, secret = device_create(
                actor=SYSTEM, organization=org, profile=profile, name=f"mq {i}", serial=f"MQ-{i:04d}"
            )
            publishers.append((device, secret))
    directory = Path(tempfile.mkdtemp(prefix="mqtt-bench-", dir=settings.DATA_DIR))
    port = free_port()
    command = [mosquitto, "-c", str(write_broker_config(directory, port=port))]
    broker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        consumer = IngestConsumer(
            host="127.0.0.1", port=port, password=ingest_password(directory), client_id="bench-ingest"
        )
        latencies: list[float] = []
        take = consumer._take

        def take_and_time(wait):
            batch = take(wait)
            consumer._pending = [
                int(m.payload.split(b'"id":"', 1)[1].split(b'"', 1)[0].split(b"-")[1]) for m in batch
            ]
            return batch

        consumer._take = take_and_time
        consumer.start()
        per_device = messages // devices_count
        start_at = time.time() + 1.0
        ctx = multiprocessing.get_context("spawn")
        procs = [
            ctx.Process(
                target=publisher,
                args=(
                    port,
                    d.credential_id,
                    secret,
                    f"muang/{org.slug}/devices/{d.serial}/up",
                    per_device,
                    start_at,
                ),
            )
            for d, secret in publishers
        ]
        for p in procs:
            p.start()
        total = per_device * devices_count
        deadline = time.monotonic() + 300
        first = None
        while consumer.stats.received < total and time.monotonic() < deadline:
            if consumer.flush(wait=0.2):
                done = time.time_ns()
                first = first or time.time()
                latencies += [(done - sent) / 1e6 for sent in consumer._pending]
        elapsed = time.time() - start_at
        for p in procs:
            p.join(30)
        consumer.stop()
        stored = Telemetry.objects.filter(
            organization_id=org.pk, device_id__in=[d.pk for d, _s in publishers]
        ).count()
        report(
            f"MQTT publish → committed row at full rate, {total:,} msgs, {devices_count} devices",
            f"{consumer.stats.stored / elapsed:,.0f} msg/s",
            "p95 publish→commit",
            f"{p95(latencies):,.0f} ms ({stored:,} rows stored, {consumer.stats.refused} refused)",
        )
    finally:
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--mqtt-devices", type=int, default=20)
    parser.add_argument("--mqtt-messages", type=int, default=20_000)
    args = parser.parse_args()
    setup_django(database=DB)

    from django.db import connection
    from django.utils import timezone

    from muang.core.bulk import copy_rows, copy_sql
    from muang.iot.models import Telemetry
    from muang.iot.services.ingest import Message, ingest_batch
    from muang.iot.services.partitions import telemetry_partitions_maintain

    rng = random.Random(10)
    org, devices = world(args.devices)
    telemetry_partitions_maintain()
    clear(org)
    now = timezone.now().replace(microsecond=0)
    start = now - dt.timedelta(hours=12)
    step = dt.timedelta(hours=12) / max(1, args.messages // len(devices))
    payloads = []
    for i in range(args.messages):
        device = devices[i % len(devices)]
        ts = start + step * (i // len(devices))
        body = {
            "ts": ts.isoformat(),
            "id": f"m{i}",
            "values": {
                "pm25": round(rng.uniform(5, 90), 1),
                "pm10": round(rng.uniform(10, 150), 1),
                "temperature": round(rng.uniform(22, 38), 1),
            },
        }
        payloads.append(Message(device, json.dumps(body).encode(), now, None, "mqtt"))

    with timed() as service:
        stored = 0
        for b in range(0, len(payloads), args.batch):
            outcomes = ingest_batch(organization=org, messages=payloads[b : b + args.batch], now=now)
            stored += sum(o.status == "stored" for o in outcomes)
    if stored != args.messages:
        raise SystemExit(f"the service stored {stored} of {args.messages} messages")
    rows = list(
        Telemetry.objects.filter(organization_id=org.pk).values_list(
            "organization_id", "device_id", "key", "time", "value"
        )
    )
    assert len(rows) == 3 * args.messages, len(rows)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE iot_telemetry")  # the scratch database holds only the bench town
    with timed() as raw:
        for b in range(0, len(rows), args.batch * 3):  # the same batches, one COPY each
            with connection.cursor() as cursor:
                copy_rows(
                    cursor,
                    copy_sql("iot_telemetry", ("organization_id", "device_id", "key", "time", "value")),
                    rows[b : b + args.batch * 3],
                )
    # What a reading costs on disk (heap + primary key, freshly written), for docs/scaling.md.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'iot_telemetry'"
        )
        total_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM iot_telemetry")
        all_rows = cursor.fetchone()[0]
    service_rate, raw_rate = args.messages / service.seconds, args.messages / raw.seconds
    report(
        f"iot ingest service, {args.messages:,} msgs × 3 keys, {len(devices):,} devices",
        f"{service_rate:,.0f} msg/s",
        "raw COPY of the same rows",
        f"{raw_rate:,.0f} msg/s ({100 * service_rate / raw_rate:.0f} % of it)",
        "≥ 25 % of raw COPY",
    )
    print(
        f"telemetry on disk: {total_bytes / all_rows:,.0f} bytes per reading (heap + primary key, {all_rows:,} rows)"
    )
    clear(org)
    if args.mqtt_messages:
        bench_mqtt(org, args.mqtt_devices, args.mqtt_messages)
        clear(org)


if __name__ == "__main__":
    main()
