"""What one citizen filing through the web form (POST /r/) costs in Python, beside the empty view's POST through
the same middleware, measured in process over N requests (Django's test client, no HTTP, no CSRF check).

Prints the Python CPU and wall time per request and the queries of one request of each, and, with `--cprofile`,
the top functions of the filings.

    .venv/bin/python bench/profile_intake.py [--requests 500] [--cprofile] [--sort tottime]
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "server_settings"  # the project's settings plus /bench/empty

from support import BENCH_DB, load_average, setup_django

DB = f"{BENCH_DB}_cases"


def _backend_cpu(connection) -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far (same machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--cases", type=int, default=1000, help="cases of the bench town if it has none yet")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--filter", default="", help="only functions whose file matches this regex")
    parser.add_argument("--lines", type=int, default=45)
    args = parser.parse_args()
    setup_django(database=DB)

    from cases_world import EAST, NORTH, SOUTH, WEST, bench_world
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _org, category, _head, _officer = bench_world(args.cases)
    rng = random.Random(1)

    def form() -> dict:
        return {
            "lat": f"{rng.uniform(SOUTH + 0.01, NORTH - 0.01):.6f}",
            "lon": f"{rng.uniform(WEST + 0.01, EAST - 0.01):.6f}",
            "category": category,
            "description": "ไฟถนนดับหน้าบ้าน ซอย 3 มืดมากตอนกลางคืน",
            "contact_phone": "0812345678",
            "idempotency_key": uuid.uuid4().hex,
        }

    paths = {"empty view (POST)": ("/bench/empty", 200), "web intake POST /r/": ("/r/", 302)}
    print(load_average())
    client = Client(HTTP_HOST="localhost")
    for label, (path, status) in paths.items():

        def post(path=path, status=status):
            client.cookies.pop("sessionid", None)  # a new citizen each time: no session cookie
            # urlencoded, as bench_intake's clients and a browser's form without a photo send it
            r = client.post(path, urlencode(form()), content_type="application/x-www-form-urlencoded")
            assert r.status_code == status, r.status_code

        for _ in range(20):  # warm-up: imports, per-process caches, prepared statements
            post()
        with CaptureQueriesContext(connection) as q:
            post()
        queries = len(q)
        profiler = cProfile.Profile(time.process_time) if args.cprofile and path != "/bench/empty" else None
        backend = _backend_cpu(connection)
        cpu = time.process_time()
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(args.requests):
            post()
        if profiler:
            profiler.disable()
        cpu_ms = (time.process_time() - cpu) / args.requests * 1000
        wall_ms = (time.perf_counter() - wall) / args.requests * 1000
        pg_ms = (_backend_cpu(connection) - backend) / args.requests * 1000
        print(
            f"{label:<28} {cpu_ms:6.2f} ms CPU/request  {wall_ms:6.2f} ms wall/request  {pg_ms:6.2f} ms PostgreSQL CPU/request  {queries} queries",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            if os.environ.get("PROFILE_DUMP"):
                profiler.dump_stats(os.environ["PROFILE_DUMP"])
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.filter, args.lines)
            print(out.getvalue())
    print(load_average())


if __name__ == "__main__":
    main()
