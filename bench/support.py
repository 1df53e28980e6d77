"""Shared plumbing for the benchmark scripts: a scratch database, timing, and one report format.

Every script prints its figure beside a baseline measured in the same run, e.g.

    assessment run, 1,000,000 parcels        41.2 s   (baseline: one set-based SQL statement 9.8 s)
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("MUANG_BENCH_DB", "muang_bench")


def setup_django(*, database: str = BENCH_DB, migrate: bool = True) -> None:
    """Point Django at a scratch database in the same cluster (created with PostGIS if missing), migrated."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muang.settings")
    os.environ["MUANG_DB_NAME"] = database
    import django
    import psycopg
    from django.conf import settings

    django.setup()
    params = settings.DATABASES["default"]
    conninfo = {
        "dbname": "postgres",
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'create database "{database}"')
    with psycopg.connect(
        **{**{k: v for k, v in conninfo.items() if v}, "dbname": database}, autocommit=True
    ) as conn:
        conn.execute("set client_min_messages = warning; create extension if not exists postgis")
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def timed():
    """with timed() as t: ...; t.seconds"""

    class Result:
        seconds = 0.0

    result = Result()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start


def p95(samples_ms: list[float]) -> float:
    return statistics.quantiles(samples_ms, n=100, method="inclusive")[94]


def report(label: str, figure: str, baseline_label: str, baseline: str, target: str = "") -> None:
    line = f"{label:<50} {figure:>14}   (baseline: {baseline_label} {baseline})"
    if target:
        line += f"   target {target}"
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GUNICORN_CONF = ROOT / "scripts" / "gunicorn.conf.py"


def gunicorn_setup() -> tuple[int, int]:
    """(workers, threads) that `make run`'s configuration (scripts/gunicorn.conf.py) chooses on this machine."""
    import runpy

    conf = runpy.run_path(str(GUNICORN_CONF))
    return conf["workers"], conf["threads"]


@contextmanager
def gunicorn_server(
    *, database: str, workers: int | None = None, threads: int | None = None
) -> Iterator[str]:
    """A gunicorn serving the project on the bench database with the bench URLconf, configured as `make run`
    configures it (scripts/gunicorn.conf.py: gthread workers, preloading, recycling); `workers` and `threads`
    override that file's choice when given. Yields its base URL and stops it afterwards."""
    conf_workers, conf_threads = gunicorn_setup()
    workers, threads = workers or conf_workers, threads or conf_threads
    port = free_port()
    env = {
        **os.environ,
        "MUANG_DB_NAME": database,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
        "DJANGO_SETTINGS_MODULE": "server_settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "muang.wsgi:application",
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, workers)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_serving(base: str, workers: int, timeout: float = 180) -> None:
    """The socket is bound before the workers have imported Django: wait for answers, not for the port."""
    import requests

    deadline = time.monotonic() + timeout
    answered = 0
    while answered < workers * 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn at {base} did not answer within {timeout:.0f} s")
        try:
            answered += requests.get(f"{base}/healthz", timeout=timeout).status_code == 200
        except requests.ConnectionError:
            time.sleep(0.2)


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


PM25 = {"key": "pm25", "unit": "µg/m³", "type": "float", "min": 0, "max": 1000}
PM10 = {"key": "pm10", "unit": "µg/m³", "type": "float", "min": 0, "max": 2000}


def bench_sensor_town(slug: str, name_th: str, name_en: str, keys: list[dict], *, devices=0, spacing=1e-5):
    """(organization, device profile "air" with `keys`) for the IoT benches, created once per scratch database,
    with at least `devices` devices in a row `spacing` degrees apart. They are made in bulk with unusable
    credentials: the benches measure ingest and reads, not password hashing."""
    from django.contrib.gis.geos import Point

    from muang.core.access import SYSTEM
    from muang.core.models import Organization, OrganizationKind, Province
    from muang.iot.models import Device, DeviceProfile
    from muang.iot.services.devices import device_profile_create

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=slug,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": name_th,
            "name_en": name_en,
            "province": province,
        },
    )
    profile = DeviceProfile.objects.filter(organization=org, name="air").first() or device_profile_create(
        actor=SYSTEM, organization=org, name="air", keys=keys, decoder={"kind": "json"}
    )
    have = Device.objects.filter(organization=org).count()
    Device.objects.bulk_create(
        [
            Device(
                organization=org,
                profile=profile,
                name=f"air {i}",
                serial=f"AQ-{i:06d}",
                location=Point(102.1 + i * spacing, 16.5, srid=4326),
                credential_id=f"b{org.pk}x{i}",  # credential ids are 16 characters at most
                credential_hash="!",
                mqtt_hash="!",
            )
            for i in range(have, devices)
        ]
    )
    return org, profile
