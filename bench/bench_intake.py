"""Citizen intake latency under 50 concurrent clients, beside an empty Django view measured in the same run.

The intake path is the web form (POST /r/ with its CSRF token, answered by a redirect to the tracking page): the
channel most citizens use. Each filing is a new citizen (no session cookie), at a random point of the bench
town, into the 1,000,000-case bench database. The empty view (/bench/empty, only in the bench URLconf) gets the
same form body through the same middleware, from the same 50 client sessions: the difference between the two
rows is what filing a report costs on top of the framework.

    .venv/bin/python bench/bench_intake.py [--clients 50] [--requests 1000] [--rounds 2] [--workers N --threads N]

The clients run in this process (threads, `requests`), on the same machine as gunicorn and PostgreSQL.
"""

import argparse
import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from support import BENCH_DB, gunicorn_server, gunicorn_setup, load_average, percentile, setup_django, timed

DB = f"{BENCH_DB}_cases"


@dataclass
class Phase:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: Counter = field(default_factory=Counter)  # status code or exception name -> count

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def row(self) -> str:
        done = len(self.latencies_ms)
        if not done:
            return f"{self.label:<34} no successful request ({self.errors} errors)"
        p = {q: percentile(self.latencies_ms, q) for q in (50, 95, 99)}
        return (
            f"{self.label:<34} {done:>6} {done / self.seconds:>8.1f} {p[50]:>8.1f} {p[95]:>8.1f} {p[99]:>8.1f}"
            f" {max(self.latencies_ms):>8.1f} {self.errors:>6}"
        )


HEADER = (
    f"{'':<34} {'reqs':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}"
)


def client_session(base: str):
    import requests

    session = requests.Session()
    response = session.get(f"{base}/r/", timeout=30)  # the form, as a citizen opens it: sets the CSRF cookie
    response.raise_for_status()
    return session


def report_form(session, category: str, box: tuple[float, float, float, float], rng: random.Random) -> dict:
    west, south, east, north = box
    return {
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
        "lat": f"{rng.uniform(south, north):.6f}",
        "lon": f"{rng.uniform(west, east):.6f}",
        "category": category,
        "description": "ไฟถนนดับหน้าบ้าน ซอย 3 มืดมากตอนกลางคืน",
        "contact_phone": "0812345678",
        "idempotency_key": uuid.uuid4().hex,
    }


def run_phase(
    phase: Phase, sessions, base: str, path: str, total: int, category: str, box, expect: int
) -> None:
    remaining = iter(range(total))
    lock = threading.Lock()

    def client(args) -> None:
        n, session = args
        rng = random.Random(n)
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            session.cookies.pop("sessionid", None)  # every filing by a new citizen
            data = report_form(session, category, box, rng)
            start = time.perf_counter()
            try:
                r = session.post(
                    f"{base}{path}",
                    data=data,
                    headers={"Referer": f"{base}/r/"},
                    allow_redirects=False,
                    timeout=60,
                )
                failure = None if r.status_code == expect else f"HTTP {r.status_code}"
            except OSError as e:
                failure = type(e).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if failure is None:
                    phase.latencies_ms.append(elapsed)
                else:
                    phase.failures[failure] += 1

    with timed() as t, ThreadPoolExecutor(len(sessions)) as pool:
        list(pool.map(client, enumerate(sessions)))
    phase.seconds += t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="per phase and round")
    parser.add_argument(
        "--rounds", type=int, default=2, help="empty view and intake alternate this many times"
    )
    parser.add_argument("--workers", type=int, help="default: as scripts/gunicorn.conf.py (make run)")
    parser.add_argument("--threads", type=int, help="default: as scripts/gunicorn.conf.py (make run)")
    args = parser.parse_args()
    conf_workers, conf_threads = gunicorn_setup()
    args.workers, args.threads = args.workers or conf_workers, args.threads or conf_threads
    setup_django(database=DB)

    from cases_world import EAST, NORTH, SOUTH, WEST, bench_world

    from muang.cases.models import Case

    org, category, _head, _officer = bench_world(args.cases)
    before = Case.objects.filter(organization=org).count()
    box = (WEST + 0.01, SOUTH + 0.01, EAST - 0.01, NORTH - 0.01)
    print(f"{before:,} cases in the bench town; {load_average()}", flush=True)

    empty, intake = Phase("empty Django view (POST, CSRF)"), Phase("web intake POST /r/ (files a case)")
    with gunicorn_server(database=DB, workers=args.workers, threads=args.threads) as base:
        sessions = [client_session(base) for _ in range(args.clients)]
        warm = Phase("warm-up")
        run_phase(warm, sessions, base, "/bench/empty", args.clients * 2, category, box, 200)
        run_phase(warm, sessions, base, "/r/", args.clients, category, box, 302)
        assert not warm.errors, f"{warm.errors} warm-up requests failed"
        for _round in range(args.rounds):
            run_phase(empty, sessions, base, "/bench/empty", args.requests, category, box, 200)
            run_phase(intake, sessions, base, "/r/", args.requests, category, box, 302)
    filed = Case.objects.filter(organization=org).count() - before
    print(
        f"\n{args.clients} concurrent clients, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{args.rounds} alternating rounds of {args.requests} requests"
    )
    print(HEADER)
    print(empty.row())
    print(intake.row())
    overhead = percentile(intake.latencies_ms, 95) - percentile(empty.latencies_ms, 95)
    print(f"intake p95 minus empty-view p95: {overhead:.1f} ms; cases filed: {filed:,}; {load_average()}")
    for phase in (empty, intake):
        if phase.failures:
            print(f"{phase.label}: failures {dict(phase.failures)}")


if __name__ == "__main__":
    main()
