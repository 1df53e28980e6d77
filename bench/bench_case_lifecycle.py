"""Full case lifecycles per second with 1,000,000 cases in the database: create through the API → assign →
resolve → rate, by concurrent staff clients against gunicorn; beside, in the same run, the same lifecycle
through the services in one process (no HTTP) and the ceiling the framework allows: the empty Django view
(/bench/empty, same middleware, same signed-in clients) answered at R req/s allows R/4 lifecycles of 4
requests. Issue 11 target: lifecycles/s through the API >= 50 % of that ceiling.

    .venv/bin/python bench/bench_case_lifecycle.py [--cases 1000000] [--lifecycles 400] [--clients 8] [--quick]
"""

import argparse
import threading
from concurrent.futures import ThreadPoolExecutor

from support import BENCH_DB, gunicorn_server, gunicorn_setup, load_average, report, setup_django, timed

DB = f"{BENCH_DB}_cases"


def staff_session(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=60)
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def lifecycle_http(session, base: str, slug: str, category: str, officer: str, n: int) -> None:
    created = session.post(
        f"{base}/api/v1/organizations/{slug}/cases",
        json={
            "category": category,
            "description": f"ไฟถนนดับ รายการที่ {n}",
            "channel": "phone",
            "lat": 16.5447,
            "lon": 102.0988,
            "contact_phone": "0812345678",
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text[:300]
    code = created.json()["tracking_code"]
    for path, body in (
        ("assign", {"assignee": officer}),
        ("status", {"status": "resolved", "message": "ซ่อมแล้วครับ"}),
        ("rating", {"stars": 5, "comment": "เร็วมาก"}),
    ):
        r = session.post(f"{base}/api/v1/cases/{code}/{path}", json=body, timeout=30)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--lifecycles", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, help="default: as scripts/gunicorn.conf.py (make run)")
    parser.add_argument("--threads", type=int, help="default: as scripts/gunicorn.conf.py (make run)")
    parser.add_argument("--quick", action="store_true", help="100,000 cases, 120 lifecycles")
    args = parser.parse_args()
    conf_workers, conf_threads = gunicorn_setup()
    args.workers, args.threads = args.workers or conf_workers, args.threads or conf_threads
    if args.quick:
        args.cases, args.lifecycles = min(args.cases, 100_000), min(args.lifecycles, 120)
    setup_django(database=DB)

    from cases_world import PASSWORD, bench_world

    from muang.cases.models import CaseCategory
    from muang.cases.services import case_assign, case_change_status, case_create, case_rate
    from muang.core.access import Actor

    with timed() as t:
        org, category, head, officer = bench_world(args.cases)
    print(f"{args.cases:,} cases ready in {t.seconds:.1f} s", flush=True)

    # Baseline: the same lifecycle through the services, one process, no HTTP.
    cat = CaseCategory.objects.get(organization=org, code=category)
    baseline_n = max(50, args.lifecycles // 4)
    with timed() as base:
        for i in range(baseline_n):
            a = Actor(user=head)
            case, _ = case_create(
                actor=a,
                organization=org,
                category=cat,
                description=f"baseline {i}",
                contact_phone="0812345678",
            )
            case = case_assign(actor=a, case=case, assignee=officer)
            case = case_change_status(actor=a, case=case, status="resolved", message="ซ่อมแล้ว")
            case_rate(actor=a, case=case, stars=5)
    baseline_rate = baseline_n / base.seconds

    with gunicorn_server(database=DB, workers=args.workers, threads=args.threads) as base_url:
        sessions = [staff_session(base_url, head.username, PASSWORD) for _ in range(args.clients)]
        counter = iter(range(args.lifecycles))
        lock = threading.Lock()

        def client(session) -> int:
            done = 0
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return done
                lifecycle_http(session, base_url, org.slug, category, officer.username, n)
                done += 1

        lifecycle_http(sessions[0], base_url, org.slug, category, officer.username, -1)  # warm-up
        empty_requests = args.lifecycles * 4
        empty_counter = iter(range(empty_requests))

        def empty_client(session) -> int:
            done = 0
            while True:
                with lock:
                    n = next(empty_counter, None)
                if n is None:
                    return done
                r = session.post(f"{base_url}/bench/empty", json={}, timeout=30)
                assert r.status_code == 200, r.status_code
                done += 1

        with timed() as empty_run, ThreadPoolExecutor(args.clients) as pool:
            empty_total = sum(pool.map(empty_client, sessions))
        empty_load = load_average()
        with timed() as run, ThreadPoolExecutor(args.clients) as pool:
            total = sum(pool.map(client, sessions))
    rate = total / run.seconds
    ceiling = empty_total / empty_run.seconds / 4
    print(f"gunicorn {args.workers} workers x {args.threads} threads")
    print(f"empty view: {empty_total / empty_run.seconds:.1f} req/s; {empty_load}")
    print(f"lifecycles: {load_average()}")
    report(
        f"case lifecycles/s via API, {args.cases:,} cases, {args.clients} clients",
        f"{rate:.1f}/s",
        "empty view / 4 requests",
        f"{ceiling:.1f}/s ({rate / ceiling:.0%} of it)",
        target=">= 50 % of the ceiling",
    )
    report(
        "  beside: the services in one process (no HTTP)",
        f"{baseline_rate:.1f}/s",
        "one process, one client",
        "",
    )


if __name__ == "__main__":
    main()
