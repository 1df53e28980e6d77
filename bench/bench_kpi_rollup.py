"""KPI roll-ups from the monthly snapshots, beside the same figures from the raw module tables, in one run.

World: 7,850 local governments (15 per district, 7 districts per province), two years of monthly snapshots of
every indicator (synthetic, `setseed`), and for the 15 local governments of the first district two years of
cases in the case table (about 60 a month each) so that the raw path has rows to read.

Rows printed:
- the monthly snapshot of all computed indicators for every organisation, with the roll-up it writes (ranks
  at the three levels, adoption, the district/province/country averages) (target ≤ 5 min), and the roll-up
  rewrite alone;
- measuring a sample of organisations (`--sample`, 1,000) through the sources' bulk selectors (one query per
  source per batch), beside one selector call per organisation and indicator (the snapshot before `bulk=`);
- the district office's roll-up page (15 local governments, through the Django test client: query + template),
  p95, beside the same figures computed from the raw module tables (each app's KpiSource selector, per
  local government, for the month);
- the national roll-up over every organisation (`kpi.selectors.rollup`: adoption and ranks among all, the
  first page of 100 rows, read from the precomputed rows), p95, beside the same ranks and adoption computed
  over the snapshots at request time (what the page did before the roll-up table) and the raw path for all
  organisations (which is what the monthly snapshot does);
- the national operator's page (every province side by side, through the Django test client), p95.

    .venv/bin/python bench/bench_kpi_rollup.py [--quick] [--orgs 7850] [--months 24] [--repeat 30] [--workers 2] [--sample 1000]
"""

import argparse
import os
import statistics

from support import BENCH_DB, p95, report, setup_django, timed

DB = f"{BENCH_DB}_kpi"
PER_DISTRICT = 15
DISTRICTS_PER_PROVINCE = 7


def world(orgs: int, months: int):
    from django.db import connection

    from muang.core.models import District, Organization, OrganizationKind, Province
    from muang.kpi import periods
    from muang.kpi.catalogue import sync_catalogue

    sync_catalogue()
    have = Organization.objects.filter(slug__startswith="bench-kpi-").exclude(slug="bench-kpi-office").count()
    districts = -(-orgs // PER_DISTRICT)
    provinces = -(-districts // DISTRICTS_PER_PROVINCE)
    if provinces > 89:
        raise SystemExit("at most 89 provinces of 7 districts of 15 local governments")
    for p in range(provinces):
        Province.objects.get_or_create(
            code=f"{p + 10:02d}", defaults={"name_th": f"จังหวัด{p}", "name_en": f"P{p}"}
        )
    for d in range(districts):
        code = f"{d // DISTRICTS_PER_PROVINCE + 10:02d}{d % DISTRICTS_PER_PROVINCE + 1:02d}"
        District.objects.get_or_create(
            code=code, defaults={"province_id": code[:2], "name_th": f"อำเภอ{d}", "name_en": f"D{d}"}
        )
    district_codes = [
        f"{d // DISTRICTS_PER_PROVINCE + 10:02d}{d % DISTRICTS_PER_PROVINCE + 1:02d}"
        for d in range(districts)
    ]
    Organization.objects.bulk_create(
        [
            Organization(
                slug=f"bench-kpi-{i}",
                kind=OrganizationKind.SUBDISTRICT_MUNICIPALITY if i % 3 else OrganizationKind.SAO,
                name_th=f"เทศบาลตำบลทดสอบ {i}",
                name_en=f"Bench town {i}",
                province_id=district_codes[i // PER_DISTRICT][:2],
                district_id=district_codes[i // PER_DISTRICT],
            )
            for i in range(have, orgs)
        ],
        batch_size=2000,
    )
    office, _ = Organization.objects.get_or_create(
        slug="bench-kpi-office",
        defaults={
            "kind": OrganizationKind.DISTRICT_OFFICE,
            "name_th": "ที่ว่าการอำเภอทดสอบ",
            "name_en": "Bench district office",
            "province_id": district_codes[0][:2],
            "district_id": district_codes[0],
        },
    )
    last = periods.last_closed_month(periods.today())
    history = periods.months_back(last, months)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.15)")
        # Every indicator for every month, except the computed ones of the last month: the timed snapshot's.
        cursor.execute(
            """
            INSERT INTO kpi_snapshot (organization_id, indicator_id, month, value, origin, taken_at)
            SELECT o.id, i.id, m::date,
                   CASE WHEN random() < 0.2 THEN NULL ELSE round((random() * coalesce(i.max_value, 1000))::numeric, 1) END,
                   i.source, now()
            FROM core_organization o
            CROSS JOIN kpi_indicator i
            CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') m
            WHERE o.slug LIKE 'bench-kpi-%%' AND o.kind <> 'district_office' AND i.is_active
              AND (i.source <> 'computed' OR m::date < %s)
            ON CONFLICT DO NOTHING
            """,
            [history[0], last, last],
        )
        cursor.execute("ANALYZE kpi_snapshot")
    return office, last, _cases(district_codes[0], history)


def _cases(district: str, history) -> list:
    """About 60 cases a month for each local government of the first district (the raw path's rows)."""
    from django.db import connection

    from muang.cases.models import Case, CaseStatus
    from muang.cases.services.setup import seed_statuses
    from muang.cases.tests.factories import CaseCategoryFactory
    from muang.core.models import Organization

    towns = list(
        Organization.objects.filter(district_id=district, slug__startswith="bench-kpi-").exclude(
            kind="district_office"
        )
    )
    for town in towns:
        if Case.objects.filter(organization=town).exists():
            continue
        seed_statuses(town)
        category = CaseCategoryFactory(organization=town)
        status = CaseStatus.objects.filter(organization=town, is_resolution=True).first()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO cases_case (tracking_code, is_open, channel, title, description, address, attributes,
                    contact_name, contact_phone, contact_email, idempotency_key, sla_hours, sla_started_at,
                    reopen_count, rating_comment, created_at, updated_at, department_id, organization_id,
                    category_id, status_id, due_at, resolved_at, rating)
                SELECT 'B' || lpad(n::text, 10, '0'), false, 'web', 'ไฟดับ', '', '', '{}', '', '', '', '', 8,
                    t, 0, '', t, t, %s, %s, %s, %s, t + interval '1 day',
                    t + (random() * 4) * interval '1 day', CASE WHEN random() < 0.5 THEN 1 + floor(random() * 5) END
                FROM (SELECT n, %s::timestamptz + (random() * (%s::date - %s::date)) * interval '1 day' AS t
                      FROM generate_series(1, %s) n) s
                """,
                [
                    category.default_department_id,
                    town.pk,
                    category.pk,
                    status.pk,
                    history[0],
                    history[-1],
                    history[0],
                    60 * len(history),
                ],
            )
    return towns


def _raw_figures(organizations, month) -> int:
    """What the roll-up shows, from the module tables: every computed indicator's selector per organisation."""
    from django.utils.module_loading import import_string

    from muang.kpi import periods
    from muang.kpi.catalogue import computed_sources

    selectors = [import_string(s.selector) for s in computed_sources().values()]
    n = 0
    for organization in organizations:
        for selector in selectors:
            selector(organization=organization, start=month, end=periods.month_last_day(month))
            n += 1
    return n


def _rollup_over_snapshots(ids: list[int], month) -> int:
    """The baseline: the national page's ranks and adoption computed over the snapshots at request time (the
    roll-up's queries before the precomputed table, kept here to measure against)."""
    from django.db import connection

    from muang.core.bulk import array_literal
    from muang.kpi import periods

    window = periods.months_back(month, periods.ADOPTION_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.organization_id, split_part(i.code, '.', 1), count(DISTINCT s.month), bool_or(s.month = %s)
            FROM kpi_snapshot s JOIN kpi_indicator i ON i.id = s.indicator_id
            WHERE s.month >= %s AND s.month <= %s AND s.organization_id = ANY(%s::bigint[])
              AND i.source = 'computed' AND s.value IS NOT NULL
            GROUP BY 1, 2
            """,
            [month, window[0], month, array_literal(ids)],
        )
        n = len(cursor.fetchall())
        cursor.execute(
            """
            SELECT organization_id, indicator_id, value, rnk FROM (
                SELECT s.organization_id, s.indicator_id, s.value,
                       CASE WHEN s.value IS NULL THEN NULL ELSE rank() OVER (
                           PARTITION BY s.indicator_id, s.value IS NULL
                           ORDER BY CASE WHEN i.direction = 'down' THEN s.value ELSE -s.value END) END AS rnk
                FROM kpi_snapshot s JOIN kpi_indicator i ON i.id = s.indicator_id
                WHERE s.month = %s AND s.organization_id = ANY(%s::bigint[]) AND i.is_active
            ) ranked
            WHERE organization_id = ANY(%s::bigint[])
            """,
            [month, array_literal(ids), array_literal(ids[:100])],
        )
        return n + len(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--orgs", type=int, default=7850)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the snapshot")
    parser.add_argument("--sample", type=int, default=1000, help="organisations measured both ways")
    args = parser.parse_args()
    if args.quick:
        args.orgs, args.months, args.repeat = 800, 6, 10
    os.environ["MUANG_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "server_settings"  # static URLs without collectstatic's manifest
    setup_django(database=DB)

    from django.test import Client

    from muang.core.models import Organization, Role, User
    from muang.core.tests.factories import member
    from muang.kpi import selectors, services
    from muang.kpi.models import Snapshot

    with timed() as loading:
        office, last, towns = world(args.orgs, args.months)
    print(
        f"world: {args.orgs:,} organisations, {Snapshot.objects.count():,} snapshots ({loading.seconds:.0f} s)"
    )

    organizations = list(
        Organization.objects.filter(slug__startswith="bench-kpi-").exclude(kind="district_office")
    )
    # The monthly snapshot of every computed indicator for every organisation (a rerun takes it again).
    Snapshot.objects.filter(month=last, origin="computed").delete()
    with timed() as snap:
        written = services.snapshot_month(month=last, organizations=organizations, workers=args.workers)
    report(
        f"monthly snapshot + roll-up, {len(organizations):,} orgs, {args.workers} proc. ({written:,} figures)",
        f"{snap.seconds:.1f} s",
        "n/a (this is the raw pass)",
        "",
        "≤ 300 s",
    )
    # The same measuring over a sample, through the sources' bulk selectors (one query per source per 1,000
    # organisations) and through one selector call per organisation and indicator (the snapshot before them).
    sample = organizations[: args.sample]

    def measure(per_organization: bool) -> float:
        Snapshot.objects.filter(month=last, origin="computed", organization__in=sample).delete()
        real = services._bulk_selectors
        if per_organization:
            services._bulk_selectors = lambda computed: {}
        try:
            with timed() as t:
                services._measure_organizations(last, sample)
        finally:
            services._bulk_selectors = real
        return t.seconds

    per_organization, bulk = measure(True), measure(False)
    report(
        f"measuring {len(sample):,} orgs' computed indicators, 1 proc., bulk selectors",
        f"{bulk:.1f} s",
        "one selector call per organisation and indicator (before)",
        f"{per_organization:.1f} s",
        "",
    )
    with timed() as refresh:
        services.rollup_refresh(month=last)
    print(f"  (the roll-up rewrite of the month alone, again: {refresh.seconds:.1f} s)")
    from muang.kpi.models import Indicator

    one = Indicator.objects.filter(source="computed", is_active=True).order_by("code").first()
    with timed() as correction:  # what an approved or recomputed figure rewrites
        services.rollup_refresh(month=last, indicator_ids=[one.pk], organization_ids=[organizations[0].pk])
    print(f"  (one correction's roll-up rewrite, one indicator's ranks for all: {correction.seconds:.2f} s)")

    overseer = User.objects.filter(username="bench-kpi-overseer").first() or member(
        office, Role.OVERSEER, user__username="bench-kpi-overseer"
    )
    client = Client()
    client.force_login(overseer)
    client.get("/kpi/rollup/")  # warm: templates compiled, the session's memberships loaded
    samples, raw = [], []
    for _ in range(args.repeat):
        with timed() as t:
            response = client.get("/kpi/rollup/")
        html = response.content.decode()
        assert response.status_code == 200 and html.count("<tr data-org=") == PER_DISTRICT, (
            response.status_code
        )
        samples.append(t.seconds * 1000)
        with timed() as t:
            _raw_figures(towns, last)
        raw.append(t.seconds * 1000)
    report(
        f"district roll-up page, {PER_DISTRICT} LGs, p95",
        f"{p95(samples):.0f} ms",
        "raw module tables, same figures",
        f"{p95(raw):.0f} ms",
        "≤ 300 ms",
    )

    ids = list(
        Organization.objects.filter(slug__startswith="bench-kpi-")
        .exclude(kind="district_office")
        .values_list("pk", flat=True)
    )
    national, before = [], []
    for _ in range(max(5, args.repeat // 3)):
        with timed() as t:
            result = selectors.rollup(level="national", limit=100)  # one page; ranks and adoption over all
        national.append(t.seconds * 1000)
        with timed() as t:
            _rollup_over_snapshots(ids, last)
        before.append(t.seconds * 1000)
    assert result.total == len(ids) and len(result.rows) == min(100, len(ids)), result.total
    report(
        f"national roll-up, {len(ids):,} orgs, p95",
        f"{p95(national):.0f} ms",
        "ranks + adoption over the snapshots at request time",
        f"{p95(before):.0f} ms",
        "≤ 300 ms",
    )
    print(
        f"  (and the raw module tables for every organisation: the snapshot pass above, {snap.seconds:.0f} s)"
    )
    operator = User.objects.filter(username="bench-kpi-operator").first() or User.objects.create_superuser(
        "bench-kpi-operator", "operator@example.org", "x"
    )
    client.force_login(operator)
    client.get("/kpi/national/")
    pages = []
    for _ in range(args.repeat):
        with timed() as t:
            response = client.get("/kpi/national/")
        assert response.status_code == 200 and "data-province=" in response.content.decode()
        pages.append(t.seconds * 1000)
    report(
        "national operator's page (provinces side by side), p95",
        f"{p95(pages):.0f} ms",
        "ranks + adoption over the snapshots at request time",
        f"{p95(before):.0f} ms",
        "≤ 300 ms",
    )
    print(
        f"(median district {statistics.median(samples):.0f} ms, national {statistics.median(national):.0f} ms,"
        f" operator's page {statistics.median(pages):.0f} ms)"
    )
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().strip()}")


if __name__ == "__main__":
    main()
