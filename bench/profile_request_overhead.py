"""What every request costs before its own work: the session, the user, the actor's memberships and the
middleware, measured in process over N requests of a signed-in department head (Django's test client, no HTTP).

Prints the Python CPU per request and the queries per request of

  - the empty view (`/bench/empty`, behind the same middleware: the framework's floor; it reads `request.user`
    through the no-store middleware, so it pays for the session and the user too),
  - `GET /api/v1/me` (the API's authentication and the actor's memberships, nearly no work of its own),
  - `GET /api/v1/organizations/<slug>` (authentication, memberships, one permission check, a small answer),

and, with `--cprofile`, the top functions of the API calls.

    .venv/bin/python bench/profile_request_overhead.py [--requests 1000] [--cprofile] [--sort tottime]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "server_settings"  # the project's settings plus /bench/empty

from support import BENCH_DB, load_average, setup_django

DB = f"{BENCH_DB}_cases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    args = parser.parse_args()
    setup_django(database=DB)

    from cases_world import bench_world
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    org, _category, head, _officer = bench_world(1000)  # the case count does not matter here
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    paths = {
        "empty view": "/bench/empty",
        "GET /api/v1/me": "/api/v1/me",
        "GET /api/v1/organizations/<slug>": f"/api/v1/organizations/{org.slug}",
    }
    print(load_average())
    for label, path in paths.items():
        for _ in range(20):  # warm-up: imports, per-process caches, prepared statements
            assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as q:
            assert client.get(path).status_code == 200
        queries = len(q)
        profiler = cProfile.Profile(time.process_time) if args.cprofile and label != "empty view" else None
        cpu = time.process_time()
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        if profiler:
            profiler.disable()
        cpu_ms = (time.process_time() - cpu) / args.requests * 1000
        wall_ms = (time.perf_counter() - wall) / args.requests * 1000
        print(
            f"{label:<36} {cpu_ms:6.2f} ms CPU/request  {wall_ms:6.2f} ms wall/request  {queries} queries",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(35)
            print(out.getvalue())
    print(load_average())


if __name__ == "__main__":
    main()
