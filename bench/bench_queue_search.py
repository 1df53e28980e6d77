"""The staff queue's search box with 1,000,000 cases: the queue page (first 50 rows and the count) searched by
a rare Thai word, a phone number and a tracking code, beside the unsearched queue measured in the same run and
the same searches with the trigram indexes switched off (what the queue cost before them).

    .venv/bin/python bench/bench_queue_search.py [--cases 1000000] [--requests 20]
"""

import argparse
import statistics
import time

from support import BENCH_DB, report, setup_django

DB = f"{BENCH_DB}_cases"  # shared with bench_case_lifecycle.py: the million cases are generated once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    setup_django(database=DB)

    from cases_world import bench_world
    from django.core.paginator import Paginator
    from django.db import connection, transaction

    from muang.cases.models import Case
    from muang.cases.selectors import case_queue
    from muang.core.access import Actor

    org, _category, head, _officer = bench_world(args.cases)
    actor = Actor(user=head)
    # A few cases people would look for among the million: a rare complaint, a caller's phone number.
    ids = list(
        Case.objects.filter(organization=org).order_by("id").values_list("id", flat=True)[:: args.cases // 20]
    )
    Case.objects.filter(pk__in=ids).update(
        description="น้ำประปาไม่ไหล หมู่บ้านหนองบัว", contact_phone="081-555-0199"
    )
    with connection.cursor() as cursor:
        cursor.execute("analyze cases_case")
    code = Case.objects.get(pk=ids[3]).tracking_code

    def page(search: str) -> float:
        start = time.perf_counter()
        paginator = Paginator(case_queue(actor=actor, organization=org, search=search), 50)
        list(paginator.get_page(1).object_list)
        return (time.perf_counter() - start) * 1000

    def median(search: str, *, indexes: bool = True) -> float:
        samples = []
        for _ in range(args.requests):
            with transaction.atomic():
                if not indexes:
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL enable_bitmapscan = off")
                samples.append(page(search))
        return statistics.median(samples)

    page("")  # warm the caches
    baseline = median("")
    for label, search in (
        ("a rare Thai word", "หนองบัว"),
        ("a phone number, typed with spaces", "081 555 0199"),
        ("a tracking code", code.lower()),
    ):
        with_index = median(search)
        without = median(search, indexes=False)
        report(
            f"queue page searched by {label}",
            f"{with_index:.1f} ms",
            "unsearched queue",
            f"{baseline:.1f} ms; without the trigram indexes {without:.1f} ms",
        )


if __name__ == "__main__":
    main()
