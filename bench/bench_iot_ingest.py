"""Telemetry ingest through the one ingest service, beside a raw COPY of the same rows in the same run.

The service path is what `manage.py iot_ingest` does with each MQTT batch: JSON payloads (with message ids)
decoded by the device's profile, every key validated, ids claimed for dedup, rows COPYed through a staging table
(`INSERT … ON CONFLICT DO NOTHING`), latest values upserted, devices' last_seen moved, one transaction per batch.
The baseline is a bare `COPY iot_telemetry FROM STDIN` of exactly the rows the service stored. The readings are
live (each device's last seconds, as devices report); a second service row ingests a late backlog (12 hours of
readings, so every row also marks its hour for the roll-up to compute again).

A second row measures MQTT end to end: publisher processes (one MQTT connection per device, QoS 1, as the
broker's ACL wants; PUBLISH packets encoded before the clock starts, sockets multiplexed with `selectors`,
PUBACKs read in blocks and counted) publish through a private Mosquitto to the shared-subscription consumer of
`manage.py iot_ingest` (`consumers` processes), from publish to committed row, with the p95 latency.

    .venv/bin/python bench/bench_iot_ingest.py [--quick] [--devices 2000] [--messages 100000] [--batch 2000]
        [--mqtt-devices 10000] [--mqtt-messages 60000] [--publishers 2] [--consumers CORES] [--latency-rate N]
        [--burst 1]

With BENCH_IOT_PROFILE=<directory> each ingest process writes its cProfile stats there (<client id>-<time>.prof).
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import time

from support import BENCH_DB, PM10, PM25, bench_sensor_town, report, setup_django, timed

DB = f"{BENCH_DB}_iot"
SLUG = "bench-iot"


def world(devices: int):

    from muang.iot.models import Device

    org, _ = bench_sensor_town(
        SLUG,
        "เทศบาลทดสอบ IoT",
        "IoT bench town",
        [PM25, PM10, {"key": "temperature", "unit": "°C", "type": "float", "min": -40, "max": 85}],
        devices=devices,
    )
    return org, list(
        Device.objects.filter(organization=org).select_related("profile", "organization")[:devices]
    )


def clear(org) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE iot_telemetry")  # the scratch database holds only the bench town
        cursor.execute("DELETE FROM iot_devicelatest WHERE organization_id = %s", [org.pk])
        cursor.execute("DELETE FROM iot_seenmessage WHERE organization_id = %s", [org.pk])


BENCH_PUBLISHER = "bench-publisher"


def _count_pubacks(chunk: bytes, rest: bytes) -> tuple[int, int, bytes]:
    """(PUBACKs that succeeded, PUBACKs with a failure reason code, the incomplete tail) of rest + chunk. The
    common block is only 4-byte success PUBACKs (40 02 <id>): two slices check it; else it is parsed."""
    from muang.iot.mqtt import wire

    data = rest + chunk if rest else chunk
    n = len(data) // 4
    if len(data) % 4 == 0 and data[0::4] == b"\x40" * n and data[1::4] == b"\x02" * n:
        return n, 0, b""
    control: list = []
    pos = wire.parse(data, 0, [], control, {})
    ok = failed = 0
    for first, body in control:
        if first >> 4 == wire.PUBACK:
            if len(body) > 2 and body[2] >= 0x80:
                failed += 1
            else:
                ok += 1
    return ok, failed, data[pos:]


def publisher(port, password, topics, per_device, start_box, go, rate, name, ready, results, burst) -> None:
    """One publisher process: one MQTT connection per device (as the broker's ACL wants of real devices), QoS 1,
    every PUBLISH packet encoded before the clock starts. Round r sends each device's next `burst` messages in one
    write (each device's readings a second apart); PUBACKs are read in blocks from whichever sockets have them and
    counted. `rate` (msg/s, 0 = as fast as the broker takes them) paces it: message k goes at start + k / rate,
    and its id carries k so the consumer knows when. Reports (acknowledged, refused, its CPU seconds)."""
    import selectors
    import socket

    from muang.iot.mqtt import wire

    # Live readings, as devices report: each device's a second apart, the last one now.
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=per_device)
    stamps = [(base + dt.timedelta(seconds=i)).isoformat() for i in range(per_device)]
    devices = len(topics)
    # packets[i][r]: device i's r-th message; k numbers the messages in the order they are sent (round robin)
    packets = [[b""] * per_device for _ in topics]
    for i in range(per_device):
        for t, topic in enumerate(topics):
            k = i * devices + t
            body = (
                f'{{"ts":"{stamps[i]}","id":"{name}-{k}","values":{{"pm25":{(k + t) % 500},"pm10":12.5,'
                f'"temperature":{20 + k % 15}}}}}'
            )
            packets[t][i] = wire.encode_publish(topic, body.encode(), packet_id=i % 65535 + 1)
    sel = selectors.DefaultSelector()
    socks = []
    for t in range(devices):
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connect = wire.encode_connect(
            client_id=f"{name}-{t}",
            username=BENCH_PUBLISHER,
            password=password,
            clean_start=True,
            keepalive=0,
        )
        sock.sendall(connect)
        socks.append(sock)
    for sock in socks:
        head = sock.recv(64)
        if len(head) < 4 or head[0] != 0x20 or head[3] >= 0x80:
            raise SystemExit(f"{name}: the broker refused a device connection: {head!r}")
    acked = refused = 0
    rests: dict[int, bytes] = {}
    for t, sock in enumerate(socks):
        sel.register(sock, selectors.EVENT_READ, t)

    def read_acks(timeout: float) -> None:
        nonlocal acked, refused
        for key, _events in sel.select(timeout):
            t = key.data
            chunk = key.fileobj.recv(65536)
            if not chunk:
                raise SystemExit(f"{name}: the broker closed device {t}'s connection")
            ok, failed, rests[t] = _count_pubacks(chunk, rests.get(t, b""))
            acked += ok
            refused += failed

    ready.release()
    go.wait(600)
    start = start_box.value
    while time.time() < start:
        time.sleep(0.001)
    cpu = time.process_time()
    sent = 0
    burst = 1 if rate else max(1, burst)
    for r in range(0, per_device, burst):
        for t, sock in enumerate(socks):
            if rate:
                lag = start + sent / rate - time.time()
                if lag > 0:
                    time.sleep(lag)
            mine = packets[t]
            sock.sendall(mine[r] if burst == 1 else b"".join(mine[r : r + burst]))
            sent += min(burst, per_device - r)
            if t % 256 == 255:
                read_acks(0)
        read_acks(0)
    total = devices * per_device
    deadline = time.monotonic() + 300
    while acked + refused < total and time.monotonic() < deadline:
        read_acks(1)
    cpu = time.process_time() - cpu
    for sock in socks:
        sock.sendall(wire.NORMAL_DISCONNECT)
        sock.close()
    results.put((name, acked, refused, cpu))


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def consume(port, password, client_id, total, counter, start_box, rate, results, subscribed) -> None:
    """One ingest process (what `manage.py iot_ingest` runs): flush batches until `total` messages arrived over
    all consumers; reports stored messages, the time of its last commit, publish→commit latencies (paced runs:
    from each message's scheduled publish time) and its peak RSS."""
    setup_django(database=DB, migrate=False)
    from muang.core.process import settle
    from muang.iot.mqtt.consumer import IngestConsumer

    settle(warm_up=False)  # as `manage.py iot_ingest` does before it subscribes
    consumer = IngestConsumer(host="127.0.0.1", port=port, password=password, client_id=client_id)
    latencies: list[float] = []
    take = consumer.take
    pending: list[bytes] = []

    def take_and_keep(wait):
        generation, batch = take(wait)
        pending[:] = [payload for _pid, _topic, payload, _id in batch]
        return generation, batch

    consumer.take = take_and_keep
    consumer.start()
    started, cpu = time.time(), time.process_time()
    profile_dir = os.environ.get("BENCH_IOT_PROFILE")  # a directory: each consumer's cProfile stats go there
    profiler = None
    if profile_dir:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    subscribed.release()
    peak, last, last_wall = rss_mb(), 0.0, time.time()

    def idle() -> bool:
        """Nothing for 30 s since the publishers started (or since the last batch): give up. The publishers'
        preparation (encoding, 10,000 connections) does not count."""
        begun = start_box.value
        return bool(begun) and time.time() - max(begun, last_wall) > 30

    while counter.value < total and not idle():
        n = consumer.flush(wait=0.2)
        if not n:
            continue
        last, last_wall = time.monotonic(), time.time()
        done = time.time()
        with counter.get_lock():
            counter.value += n
        if rate:
            for payload in pending:
                name, k = payload.split(b'"id":"', 1)[1].split(b'"', 1)[0].rsplit(b"-", 1)
                latencies.append((done - (start_box.value + int(k) / rate[name.decode()])) * 1000)
        peak = max(peak, rss_mb())
    consumer.stop()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(f"{profile_dir}/{client_id}-{int(started)}.prof")
    ended = time.time() - (time.monotonic() - last)
    cpu = time.process_time() - cpu  # this process's CPU (its reading of the socket too), not PostgreSQL's
    results.put((consumer.stats.stored, consumer.stats.refused, ended, latencies, peak, started, cpu))


def bench_mqtt(
    org,
    devices,
    messages: int,
    *,
    publishers: int,
    consumers: int,
    rate: float,
    backlog: bool,
    burst: int = 1,
):
    """MQTT publish → committed row through a private Mosquitto and `consumers` ingest processes. rate 0: as
    fast as it goes (throughput, RSS); rate > 0: paced publishers (latency). backlog: publish everything first
    to the consumers' persistent sessions, then time the consumers alone (ingest without the publishers)."""
    import multiprocessing
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from support import free_port

    from muang.iot.models import Telemetry
    from muang.iot.mqtt.broker import INGEST_FILTER, INGEST_USER, ingest_password, write_broker_config
    from muang.iot.services.devices import mosquitto_hash

    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    directory = Path(tempfile.mkdtemp(prefix="mqtt-bench-", dir=settings.DATA_DIR))
    port = free_port()
    conf = write_broker_config(directory, port=port, host="127.0.0.1")
    # The devices' own credentials are not what is measured: one publisher user may write every bench topic.
    secret = "bench-publisher-secret"
    password = ingest_password(directory)
    (directory / "passwd").write_text(
        f"{INGEST_USER}:{mosquitto_hash(password)}\n{BENCH_PUBLISHER}:{mosquitto_hash(secret)}\n"
    )
    (directory / "acl").write_text(
        f"user {INGEST_USER}\ntopic read {INGEST_FILTER}\n\n"
        f"user {BENCH_PUBLISHER}\ntopic write muang/{org.slug}/devices/+/up\n"
    )
    conf.write_text(conf.read_text().replace("max_queued_messages 100000", "max_queued_messages 1000000"))
    broker = subprocess.Popen(
        [mosquitto, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ctx = multiprocessing.get_context("spawn")
    per_device = max(1, messages // len(devices))
    total = per_device * len(devices)
    names = [f"pub{p}" for p in range(publishers)]
    shares = [devices[p::publishers] for p in range(publishers)]
    rates = (
        {n: rate * len(share) / len(devices) for n, share in zip(names, shares, strict=True)} if rate else {}
    )
    try:
        time.sleep(0.5)
        counter, results, start_box = ctx.Value("q", 0), ctx.Queue(), ctx.Value("d", 0.0)
        subscribed, ready = ctx.Semaphore(0), ctx.Semaphore(0)

        def consumers_start():
            procs = [
                ctx.Process(
                    target=consume,
                    args=(
                        port,
                        password,
                        f"bench-ingest-{c}",
                        total,
                        counter,
                        start_box,
                        rates,
                        results,
                        subscribed,
                    ),
                )
                for c in range(consumers)
            ]
            for proc in procs:
                proc.start()
            for _ in procs:
                subscribed.acquire(timeout=120)
            return procs

        procs = consumers_start()  # subscribed before anything is published: the sessions exist from here on
        if backlog:  # ... and the consumers go away while the devices publish: the broker keeps it all
            for proc in procs:
                proc.terminate()
                proc.join()
        go, pub_results = ctx.Event(), ctx.Queue()
        pubs = [
            ctx.Process(
                target=publisher,
                args=(
                    port,
                    secret,
                    [f"muang/{org.slug}/devices/{d.serial}/up" for d in share],
                    per_device,
                    start_box,
                    go,
                    rates.get(name, 0),
                    name,
                    ready,
                    pub_results,
                    burst,
                ),
            )
            for name, share in zip(names, shares, strict=True)
        ]
        for p in pubs:
            p.start()
        for _ in pubs:  # every packet encoded, every device connected: then the clock starts
            if not ready.acquire(timeout=600):
                raise SystemExit("a publisher did not get ready")
        start_box.value = start_at = time.time() + 0.5
        go.set()
        published = [pub_results.get(timeout=900) for _ in pubs] if backlog else []
        if backlog:
            for p in pubs:
                p.join(60)
            procs = consumers_start()
        outcome = [results.get(timeout=900) for _ in procs]
        if not backlog:
            published = [pub_results.get(timeout=300) for _ in pubs]
        for proc in procs + pubs:
            proc.join(60)
        stored = sum(o[0] for o in outcome)
        refused = sum(o[1] for o in outcome)
        ended = max(o[2] for o in outcome)
        # Backlog: from the consumers' subscription (their Django start-up is not ingest); else from the start.
        began = min(o[5] for o in outcome) if backlog else start_at
        latencies = sorted(x for o in outcome for x in o[3])
        peak = max(o[4] for o in outcome)
        cpu = sum(o[6] for o in outcome)
        rows = Telemetry.objects.filter(organization_id=org.pk).count()
        return {
            "rate": stored / (ended - began),
            "stored": stored,
            "total": total,
            "refused": refused,
            "rows": rows,
            "p50": latencies[len(latencies) // 2] if latencies else None,
            "p95": latencies[int(len(latencies) * 0.95)] if latencies else None,
            "rss": peak,
            "cpu_us": 1e6 * cpu / max(stored, 1),
            "acked": sum(p[1] for p in published),
            "pub_refused": sum(p[2] for p in published),
            "pub_cpu_us": 1e6 * sum(p[3] for p in published) / max(total, 1),
        }
    finally:
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run in about a minute")
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--mqtt-devices", type=int, default=10_000)
    parser.add_argument("--mqtt-messages", type=int, default=60_000, help="0: skip the MQTT rows")
    parser.add_argument("--publishers", type=int, default=2, help="publisher processes")
    parser.add_argument(
        "--consumers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="ingest processes on the shared subscription (default: as `manage.py iot_ingest` forks, one a core)",
    )
    parser.add_argument(
        "--burst", type=int, default=1, help="messages of one device in one write (full-rate rows; paced: 1)"
    )
    parser.add_argument("--latency-rate", type=float, default=0, help="msg/s (default: half the full rate)")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.mqtt_devices, args.mqtt_messages = 20_000, 2000, 10_000
    setup_django(database=DB)

    from django.db import connection
    from django.utils import timezone

    from muang.core.bulk import copy_rows, copy_sql
    from muang.iot.models import Telemetry
    from muang.iot.services.ingest import TELEMETRY_COLUMNS, TELEMETRY_TYPES, Message, ingest_batch
    from muang.iot.services.partitions import telemetry_partitions_maintain

    rng = random.Random(10)
    org, all_devices = world(max(args.devices, args.mqtt_devices))
    from muang.core.process import settle

    settle(warm_up=False)  # the service path runs here as in `manage.py iot_ingest`, which settles first
    devices = all_devices[: args.devices]
    telemetry_partitions_maintain()
    clear(org)
    now = timezone.now().replace(microsecond=0)
    rounds = max(1, args.messages // len(devices))

    def messages(span: dt.timedelta) -> list:
        """Each device's readings evenly over `span` up to now, the devices in turn."""
        start, step = now - span, span / rounds
        payloads = []
        for i in range(args.messages):
            body = {
                "ts": (start + step * (i // len(devices))).isoformat(),
                "id": f"m{i}",
                "values": {
                    "pm25": round(rng.uniform(5, 90), 1),
                    "pm10": round(rng.uniform(10, 150), 1),
                    "temperature": round(rng.uniform(22, 38), 1),
                },
            }
            payloads.append(Message(devices[i % len(devices)], json.dumps(body).encode(), now, None, "mqtt"))
        return payloads

    def service_run(payloads: list) -> tuple[float, float]:
        """(seconds, CPU seconds of this process) to ingest the payloads batch by batch."""
        cpu = time.process_time()
        with timed() as service:
            stored = 0
            for b in range(0, len(payloads), args.batch):
                outcomes = ingest_batch(organization=org, messages=payloads[b : b + args.batch], now=now)
                stored += sum(o.status == "stored" for o in outcomes)
        if stored != args.messages:
            raise SystemExit(f"the service stored {stored} of {args.messages} messages")
        return service.seconds, time.process_time() - cpu

    # A late backlog first (a gateway that was offline: 12 hours of readings, each row of an hour already ended
    # also marks its hour for the roll-up), then live readings (the last second of each device's reports, as
    # devices report), whose rows the baseline copies.
    late_seconds, late_cpu = service_run(messages(dt.timedelta(hours=12)))
    clear(org)
    service_seconds, cpu = service_run(messages(dt.timedelta(seconds=rounds)))
    rows = list(
        Telemetry.objects.filter(organization_id=org.pk).values_list(
            "organization_id", "device_id", "key", "time", "value"
        )
    )
    assert len(rows) == 3 * args.messages, len(rows)
    # The baseline: the same rows in the same batches, nothing else (no decode, no checks, no dedup, no latest
    # values), in COPY's binary format (psycopg's C dumpers: the fastest way in from Python).
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE iot_telemetry")  # the scratch database holds only the bench town
    sql = copy_sql("iot_telemetry", TELEMETRY_COLUMNS)
    with timed() as raw:
        for b in range(0, len(rows), args.batch * 3):
            with connection.cursor() as cursor:
                copy_rows(cursor, sql, rows[b : b + args.batch * 3], TELEMETRY_TYPES)
    raw_seconds = raw.seconds
    # What a reading costs on disk (heap + primary key, freshly written), for docs/scaling.md.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'iot_telemetry'"
        )
        total_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM iot_telemetry")
        all_rows = cursor.fetchone()[0]
    service_rate, raw_rate = args.messages / service_seconds, args.messages / raw_seconds
    print(
        f"raw COPY, {len(rows):,} rows in batches of {args.batch * 3:,}: {3 * raw_rate:,.0f} rows/s = {raw_rate:,.0f} msg/s"
    )
    report(
        f"iot ingest service, {args.messages:,} msgs × 3 keys, {len(devices):,} devices",
        f"{service_rate:,.0f} msg/s",
        "raw COPY of the same rows",
        f"{raw_rate:,.0f} msg/s ({100 * service_rate / raw_rate:.0f} % of it)",
        "≥ 25 % of raw COPY",
    )
    print(
        f"ingest service CPU (this process, not PostgreSQL's): {1e6 * cpu / args.messages:,.0f} µs a message"
    )
    late_rate = args.messages / late_seconds
    report(
        "iot ingest service, a late backlog (12 hours, every hour marked for the roll-up)",
        f"{late_rate:,.0f} msg/s",
        "raw COPY",
        f"{raw_rate:,.0f} msg/s ({100 * late_rate / raw_rate:.0f} % of it; CPU {1e6 * late_cpu / args.messages:,.0f} "
        "µs a message)",
    )
    print(
        f"telemetry on disk: {total_bytes / all_rows:,.0f} bytes per reading (heap + primary key, {all_rows:,} rows)"
    )
    clear(org)
    if args.mqtt_messages:
        mqtt_devices = all_devices[: args.mqtt_devices]
        common = {"publishers": args.publishers, "consumers": args.consumers, "burst": args.burst}
        full = bench_mqtt(org, mqtt_devices, args.mqtt_messages, rate=0, backlog=False, **common)
        clear(org)
        report(
            f"MQTT publish → committed row, full rate, {full['total']:,} msgs, {len(mqtt_devices):,} devices",
            f"{full['rate']:,.0f} msg/s",
            "raw COPY",
            f"{raw_rate:,.0f} msg/s ({100 * full['rate'] / raw_rate:.0f} % of it; {full['stored']:,} stored, "
            f"{full['refused']} refused; {args.publishers} publisher and {args.consumers} ingest processes)",
            "≥ 20,000 msg/s",
        )
        print(
            f"ingest process at full rate: RSS {full['rss']:,.0f} MB (peak, per process), "
            f"CPU {full['cpu_us']:,.0f} µs a message (its own, reading the socket included); publishers "
            f"{full['pub_cpu_us']:,.0f} µs CPU a message, {full['acked']:,} PUBACKs ({full['pub_refused']} refused)"
        )
        drain = bench_mqtt(org, mqtt_devices, args.mqtt_messages, rate=0, backlog=True, **common)
        clear(org)
        report(
            "MQTT consumer alone, draining a QoS 1 backlog",
            f"{drain['rate']:,.0f} msg/s",
            "raw COPY",
            f"{raw_rate:,.0f} msg/s ({100 * drain['rate'] / raw_rate:.0f} % of it; {drain['stored']:,} stored; "
            f"CPU {drain['cpu_us']:,.0f} µs a message)",
        )
        rate = args.latency_rate or full["rate"] / 2
        paced = bench_mqtt(org, mqtt_devices, args.mqtt_messages, rate=rate, backlog=False, **common)
        clear(org)
        report(
            f"MQTT publish → stored latency at {rate:,.0f} msg/s",
            f"p95 {paced['p95']:,.0f} ms",
            "p50",
            f"{paced['p50']:,.0f} ms ({paced['stored']:,} stored, kept up at {paced['rate']:,.0f} msg/s)",
            "p95 ≤ 1,000 ms at 10,000 msg/s",
        )
    load = subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False)
    print(f"uptime: {load.stdout.strip()}")


if __name__ == "__main__":
    main()
