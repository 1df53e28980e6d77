"""Full case lifecycles per second with 1,000,000 cases in the database: create through the API → assign →
resolve → rate, by concurrent staff clients against gunicorn; beside the same lifecycle through the services
in one process (no HTTP), measured in the same run. Issue target: >= 100 lifecycles/s on 2 cores.

    .venv/bin/python bench/bench_case_lifecycle.py [--cases 1000000] [--lifecycles 400] [--clients 8]
"""

import argparse
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from support import BENCH_DB, gunicorn_server, load_average, report, setup_django, timed

DB = f"{BENCH_DB}_cases"


def staff_session(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        timeout=10,
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
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
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
        with timed() as run, ThreadPoolExecutor(args.clients) as pool:
            total = sum(pool.map(client, sessions))
    print(f"gunicorn {args.workers} workers x {args.threads} threads; {load_average()}")
    report(
        f"case lifecycles/s via API, {args.cases:,} cases, {args.clients} clients",
        f"{total / run.seconds:.1f}/s",
        "services in one process (no HTTP)",
        f"{baseline_rate:.1f}/s",
        target=">= 100/s",
    )


if __name__ == "__main__":
    main()
