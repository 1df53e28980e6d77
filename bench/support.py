"""Shared plumbing for the benchmark scripts: a scratch database, timing, and one report format.

Every script prints its figure beside a baseline measured in the same run, e.g.

    assessment run, 1,000,000 parcels        41.2 s   (baseline: one set-based SQL statement 9.8 s)
"""

import os
import statistics
import sys
import time
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
