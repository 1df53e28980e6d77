"""Whole-platform memory under mixed traffic: the PSS of every process (web master and workers, background
worker, PostgreSQL, MQTT broker) after a fixed time of traffic, beside one bare Django process measured in the
same run. Issue 11 target: <= 1 GB PSS in all after an hour of mixed traffic, and flat.

The platform is started as `make run` starts it (scripts/run.sh): gunicorn with scripts/gunicorn.conf.py
(preloaded, one worker per core with threads, recycled with jitter), the background worker, the private
PostgreSQL and the Mosquitto broker (scripts/mqtt.sh), against the 1,000,000-case bench database. Traffic,
from a few client threads in this process, round-robin: citizen intake (POST /r/ files a report), the public
report map, the staff case desk, the staff tax map, the taxpayers' pages and the case API (a whole lifecycle).
PSS comes from /proc/<pid>/smaps_rollup (shared pages divided among the processes that share them).

    .venv/bin/python bench/bench_memory.py [--minutes 3] [--hour] [--clients 4] [--cases 1000000]
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from support import BENCH_DB, ROOT, free_port, load_average, setup_django, timed

DB = f"{BENCH_DB}_cases"


def pss_kb(pid: int) -> int:
    """Proportional set size of one process, in kB (0 when it is gone or not readable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def postgres_pids(data_dir: Path) -> list[int]:
    """The postmaster of the private cluster and its children (backends, checkpointer, walwriter...)."""
    try:
        master = int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [master, *children(master)]


def mqtt_pid(data_dir: Path) -> list[int]:
    try:
        return [int((data_dir / "mqtt" / "data" / "mosquitto.pid").read_text().split()[0])]
    except (OSError, ValueError, IndexError):
        return []


def mb(kb: int) -> str:
    return f"{kb / 1024:8.1f} MB"


class Platform:
    """gunicorn + background worker (+ broker) as `make run` starts them, on the bench database."""

    def __init__(self, *, port: int):
        self.port = port
        self.env = {
            **os.environ,
            "MUANG_DB_NAME": DB,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
            "DJANGO_SETTINGS_MODULE": "server_settings",
            "MUANG_SMS_CONSOLE": "1",
        }
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.bare: subprocess.Popen | None = None

    def start(self) -> None:
        self.web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "muang.wsgi:application",
                "-c",
                str(ROOT / "scripts" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
        )
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "django", "muang_worker"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(ROOT / "scripts" / "mqtt.sh"), "start"], cwd=ROOT, check=False, capture_output=True
        )
        # One bare Django process: settings and apps loaded, one query made, nothing served.
        self.bare = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import django, sys, time; django.setup(); from django.db import connection; "
                "connection.cursor().execute('select 1'); print('ready', flush=True); sys.stdin.read()",
            ],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.bare.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        for process in (self.web, self.worker, self.bare):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (self.web, self.worker, self.bare):
            if process is not None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        subprocess.run(
            [str(ROOT / "scripts" / "mqtt.sh"), "stop"], cwd=ROOT, check=False, capture_output=True
        )

    def rows(self, data_dir: Path) -> list[tuple[str, int]]:
        rows = [("web master (gunicorn)", pss_kb(self.web.pid))]
        rows += [(f"web worker {pid}", pss_kb(pid)) for pid in children(self.web.pid)]
        rows.append(("background worker", pss_kb(self.worker.pid)))
        rows.append(("PostgreSQL (all processes)", sum(pss_kb(p) for p in postgres_pids(data_dir))))
        rows.append(("MQTT broker", sum(pss_kb(p) for p in mqtt_pid(data_dir))))
        return rows


def sign_in(session, base: str, username: str, password: str) -> None:
    session.get(f"{base}/accounts/login/", timeout=30)
    r = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
        allow_redirects=False,
    )
    assert r.status_code == 302, r.status_code
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]


def traffic(base: str, slug: str, category: str, head: str, officer: str, password: str, box, seed: int):
    """An endless round of the mixed traffic; yields (kind, status) per request."""
    import requests
    from bench_case_lifecycle import lifecycle_http

    rng = random.Random(seed)
    citizen = requests.Session()
    citizen.get(f"{base}/r/", timeout=30)
    staff = requests.Session()
    sign_in(staff, base, head, password)
    west, south, east, north = box
    for n in itertools.count():
        citizen.cookies.pop("sessionid", None)  # every filing by a new citizen
        r = citizen.post(
            f"{base}/r/",
            data={
                "csrfmiddlewaretoken": citizen.cookies["csrftoken"],
                "lat": f"{rng.uniform(south, north):.6f}",
                "lon": f"{rng.uniform(west, east):.6f}",
                "category": category,
                "description": "ไฟถนนดับหน้าบ้าน ซอย 3",
                "contact_phone": "0812345678",
                "idempotency_key": uuid.uuid4().hex,
            },
            headers={"Referer": f"{base}/r/"},
            allow_redirects=False,
            timeout=60,
        )
        yield "citizen intake", r.status_code
        lon, lat = rng.uniform(west, east - 0.05), rng.uniform(south, north - 0.05)
        bbox = f"{lon:.4f},{lat:.4f},{lon + 0.05:.4f},{lat + 0.05:.4f}"
        yield (
            "public map",
            citizen.get(f"{base}/reports/map.geojson?bbox={bbox}&zoom=14", timeout=60).status_code,
        )
        yield "staff desk", staff.get(f"{base}/work/cases/", timeout=60).status_code
        # The bench head works cases, not taxes: the tax office refuses them (403), through the property app's
        # own code (its URLs, permissions and templates are loaded all the same).
        yield "tax map", staff.get(f"{base}/tax/map/", timeout=60).status_code
        yield "taxpayer pages", citizen.get(f"{base}/my-tax/", timeout=60).status_code
        lifecycle_http(staff, base, slug, category, officer, seed * 1_000_000 + n)
        yield "case API lifecycle", 200


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--hour", action="store_true", help="an hour of traffic (the issue's measure)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=4, help="PSS readings during the run")
    args = parser.parse_args()
    minutes = 60.0 if args.hour else args.minutes
    setup_django(database=DB)

    from cases_world import EAST, NORTH, PASSWORD, SOUTH, WEST, bench_world
    from django.conf import settings

    org, category, head, officer = bench_world(args.cases)
    box = (WEST + 0.01, SOUTH + 0.01, EAST - 0.01, NORTH - 0.01)
    data_dir = Path(settings.DATA_DIR)
    platform = Platform(port=free_port())
    base = f"http://127.0.0.1:{platform.port}"
    statuses: Counter = Counter()
    stop = threading.Event()
    errors: list[str] = []

    def client(seed: int) -> None:
        try:
            for kind, status in traffic(
                base, org.slug, category, head.username, officer.username, PASSWORD, box, seed
            ):
                statuses[(kind, status)] += 1
                if stop.is_set():
                    return
        except Exception as e:  # reported below, the run goes on with the other clients
            errors.append(f"{type(e).__name__}: {e}")

    platform.start()
    try:
        from support import _wait_until_serving

        _wait_until_serving(base, 2)
        print(f"platform up; {load_average()}", flush=True)

        def total(rows):
            return sum(kb for _label, kb in rows)

        start_rows = platform.rows(data_dir)
        print(f"at start: {mb(total(start_rows))} PSS in all", flush=True)
        threads = [threading.Thread(target=client, args=(i + 1,), daemon=True) for i in range(args.clients)]
        readings = []
        with timed() as t:
            for th in threads:
                th.start()
            for i in range(args.samples):
                time.sleep(minutes * 60 / args.samples)
                rows = platform.rows(data_dir)
                readings.append(total(rows))
                print(
                    f"  after {minutes * (i + 1) / args.samples:5.1f} min: {mb(total(rows))} PSS in all; "
                    f"{sum(statuses.values())} requests; {load_average()}",
                    flush=True,
                )
            stop.set()
            for th in threads:
                th.join(timeout=120)
        rows = platform.rows(data_dir)
        bare = pss_kb(platform.bare.pid)
    finally:
        platform.stop()

    print(f"\n{args.clients} clients for {t.seconds / 60:.1f} min of mixed traffic; {load_average()}")
    for kind in sorted({k for k, _ in statuses}):
        by_status = {s: c for (k, s), c in statuses.items() if k == kind}
        print(f"  {kind:<22} {by_status}")
    if errors:
        print(f"  client errors: {errors[:3]}")
    print(f"\n{'process':<32} {'PSS':>11}")
    for label, kb in rows:
        print(f"{label:<32} {mb(kb)}")
    print(f"{'in all':<32} {mb(total(rows))}   (at start {mb(total(start_rows)).strip()})")
    print(f"{'one bare Django process':<32} {mb(bare)}   (baseline)")
    growth = (readings[-1] - readings[0]) / 1024 if len(readings) > 1 else 0.0
    print(f"growth from the first to the last reading: {growth:+.1f} MB   target: <= 1024 MB in all, flat")


if __name__ == "__main__":
    main()
