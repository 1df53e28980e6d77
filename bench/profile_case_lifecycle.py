"""Where a case lifecycle spends its queries and time, on the 1,000,000-case bench database.

Runs create → assign → resolve → rate through the real API (Django's test client, a signed-in department head)
and through the services, and prints the queries of each step; `--cprofile` adds the top functions by
cumulative time; `--sql` prints every statement of one lifecycle.

    .venv/bin/python bench/profile_case_lifecycle.py [--lifecycles 20] [--cprofile] [--sql]
"""

import argparse
import cProfile
import io
import pstats
import time
from collections import defaultdict

from support import BENCH_DB, setup_django, timed

DB = f"{BENCH_DB}_cases"
STEPS = ("create", "assign", "resolve", "rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--lifecycles", type=int, default=20)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    args = parser.parse_args()
    setup_django(database=DB)

    from cases_world import bench_world
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from muang.cases.models import CaseCategory
    from muang.cases.services import case_assign, case_change_status, case_create, case_rate
    from muang.core.access import Actor

    org, category, head, officer = bench_world(args.cases)
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)

    def api_lifecycle(n: int, per_step: dict[str, list[list[tuple[str, str]]]]) -> None:
        with CaptureQueriesContext(connection) as q:
            r = client.post(
                f"/api/v1/organizations/{org.slug}/cases",
                {
                    "category": category,
                    "description": f"profile {n}",
                    "channel": "phone",
                    "lat": 16.5,
                    "lon": 102.1,
                    "contact_phone": "0812345678",  # as bench_case_lifecycle.py: the reporter hears of moves
                },
                content_type="application/json",
            )
        assert r.status_code == 201, r.content[:300]
        per_step["create"].append([(x["time"], x["sql"]) for x in q.captured_queries])
        code = r.json()["tracking_code"]
        for step, path, body in (
            ("assign", "assign", {"assignee": officer.username}),
            ("resolve", "status", {"status": "resolved", "message": "ซ่อมแล้ว"}),
            ("rate", "rating", {"stars": 5}),
        ):
            with CaptureQueriesContext(connection) as q:
                r = client.post(f"/api/v1/cases/{code}/{path}", body, content_type="application/json")
            assert r.status_code == 200, (step, r.content[:300])
            per_step[step].append([(x["time"], x["sql"]) for x in q.captured_queries])

    cat = CaseCategory.objects.get(organization=org, code=category)

    def service_lifecycle(n: int, per_step: dict[str, list[list[tuple[str, str]]]]) -> None:
        a = Actor(user=head)
        with CaptureQueriesContext(connection) as q:
            case, _ = case_create(
                actor=a,
                organization=org,
                category=cat,
                description=f"profile {n}",
                contact_phone="0812345678",
            )
        per_step["create"].append([(x["time"], x["sql"]) for x in q.captured_queries])
        with CaptureQueriesContext(connection) as q:
            case = case_assign(actor=a, case=case, assignee=officer)
        per_step["assign"].append([(x["time"], x["sql"]) for x in q.captured_queries])
        with CaptureQueriesContext(connection) as q:
            case = case_change_status(actor=a, case=case, status="resolved", message="ซ่อมแล้ว")
        per_step["resolve"].append([(x["time"], x["sql"]) for x in q.captured_queries])
        with CaptureQueriesContext(connection) as q:
            case_rate(actor=a, case=case, stars=5)
        per_step["rate"].append([(x["time"], x["sql"]) for x in q.captured_queries])

    for label, run in (("API", api_lifecycle), ("services", service_lifecycle)):
        run(-1, defaultdict(list))  # warm-up: caches, prepared connections
        per_step: dict[str, list[list[tuple[str, str]]]] = defaultdict(list)
        profiler = cProfile.Profile(time.process_time) if args.cprofile else None  # CPU, not waiting
        cpu = time.process_time()
        with timed() as t:
            if profiler:
                profiler.enable()
            for n in range(args.lifecycles):
                run(n, per_step)
            if profiler:
                profiler.disable()
        cpu_ms = (time.process_time() - cpu) / args.lifecycles * 1000
        counts = {s: len(per_step[s][-1]) for s in STEPS}
        print(
            f"{label:<9} {args.lifecycles / t.seconds:6.1f} lifecycles/s (one client, in process), "
            f"{cpu_ms:5.1f} ms Python CPU per lifecycle   queries: "
            + ", ".join(f"{s} {c}" for s, c in counts.items())
            + f"   total {sum(counts.values())}",
            flush=True,
        )
        if args.sql:
            for s in STEPS:
                print(f"--- {label} {s}")
                for seconds, sql in per_step[s][-1]:
                    print(f"    {float(seconds) * 1000:6.2f} ms  {sql[:200]}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()
