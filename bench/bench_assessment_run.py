"""Land-and-building tax assessment run over a generated registry (issue: tax map; target <= 60 s for
1,000,000 parcels on 2 cores), beside a baseline that computes the same taxes in ONE set-based SQL statement.

    .venv/bin/python bench/bench_assessment_run.py [--parcels 1000000]

Registry (generated in SQL with generate_series, in the scratch database `muang_bench_assessment`): owners
(0.8 per parcel, 10% farmers), parcels of 1–5 rai (60% residential, 20% other, 10% agricultural, 10% vacant
with 1–9 vacant years, every 20th mixed 50/50 other/residential), one building on every residential and
other parcel (3 construction types, ages 1–45), every 50th parcel co-owned 1/2 + 1/2, two thirds of the
homes with the owner in the house registration, land prices per zone and for some blocks.

The timed run is the task body (`services.assessment.assessment_run_execute`) as a worker runs it (outside a
transaction, so with one process per CPU): the s.42 adjoining-parcel search, the streaming read, the rules in
Python, COPY of every taxpayer's sheet, progress updates, and the swap that replaces the previous run's
results. The baseline is the tax only (no sheets) in ONE SQL statement, measured in the same invocation; the
script fails unless both grand totals agree to the satang. The parcels lie on a grid of 22 m squares in id
order, so the run's s.42 search for adjoining parcels of the same owners does its real work (neighbours in
the grid share an owner only where one of them is co-owned, with other shares), yet finds no piece: the
baseline need not model s.42. The machine load (1-minute average) is printed
before and after: figures from a shared machine are only comparable at similar load.

    --processes N   force N processes (1: the single-process path, to compare)
    --no-memo       evaluate the rules for every class of every property: the generated registry repeats
                    values far more than a real one (prices per zone, 20 plot sizes), so this is the
                    honest upper bound of the rules' cost
"""

import argparse
import datetime as dt
import logging
import os
import sys

from support import report, setup_django, timed

YEAR = 2025


FRESH_TABLES = (
    "property_owner",
    "property_parcel",
    "property_building",
    "property_ownership",
    "property_houseregistration",
    "property_landprice",
    "property_buildingprice",
    "property_assessment",
)


def populate(org_id: int, tax_year_id: int, parcels: int) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "select (select count(*) from property_parcel where organization_id = %s),"
            " (select count(*) >= %s from property_ownership where organization_id = %s),"
            " exists (select 1 from property_houseregistration where organization_id = %s)",
            [org_id, parcels, org_id, org_id],
        )
        if c.fetchone() == (parcels, True, True):
            return
        c.execute("delete from property_buildingprice where tax_year_id = %s", [tax_year_id])
        # the previous runs' results: their tables dropped (the rows go with them)
        from muang.property.assessment.services.assessment import _results_discard

        c.execute("select id from property_assessmentrun where organization_id = %s", [org_id])
        _results_discard([r[0] for r in c.fetchall()])
        for table in (
            "property_houseregistration",
            "property_ownership",
            "property_building",
            "property_parcel",
            "property_owner",
        ):
            c.execute(f"delete from {table} where organization_id = %s", [org_id])  # noqa: S608
        owners = max(1, parcels * 4 // 5)
        c.execute(
            """
            INSERT INTO property_owner (organization_id, kind, title, name, last_name, address, phone, email,
                is_farmer, created_at, updated_at)
            SELECT %(org)s, 'individual', 'นาย', 'owner' || i, 'bench', '', '', '', i %% 10 = 0, now(), now()
            FROM generate_series(0, %(n)s - 1) i
            """,
            {"org": org_id, "n": owners},
        )
        c.execute("select min(id) from property_owner where organization_id = %s", [org_id])
        first_owner = c.fetchone()[0]
        c.execute(
            """
            INSERT INTO property_parcel (organization_id, code, deed_type, deed_number, land_number, map_sheet,
                area_rai, area_ngan, area_wah, area_square_wah, area_square_metres, survey_status, exemption,
                address, note, created_at, updated_at, vacant_since,
                use, share_agricultural, share_residential, share_other, share_vacant)
            SELECT %(org)s,
                   lpad((i / 26000)::text, 2, '0') || chr(65 + (i / 1000) %% 26) || lpad((i %% 1000)::text, 3, '0'),
                   'chanote', '', '', '', 1 + i %% 5, i %% 4, 0, (1 + i %% 5) * 400 + (i %% 4) * 100,
                   ((1 + i %% 5) * 400 + (i %% 4) * 100) * 4, 'surveyed', '', '', '', now(), now(),
                   CASE WHEN i %% 10 = 9 THEN 2016 + (i / 10) %% 9 END,
                   u.use, u.sa, u.sr, u.so, u.sv
            FROM generate_series(0, %(n)s - 1) i
            CROSS JOIN LATERAL (SELECT * FROM (VALUES
                ('mixed', 0, 50, 50, 0), ('residential', 0, 100, 0, 0), ('other', 0, 0, 100, 0),
                ('agricultural', 100, 0, 0, 0), ('vacant', 0, 0, 0, 100)) v(use, sa, sr, so, sv)
                WHERE v.use = CASE WHEN i %% 20 = 7 THEN 'mixed' WHEN i %% 10 < 6 THEN 'residential'
                                   WHEN i %% 10 < 8 THEN 'other' WHEN i %% 10 = 8 THEN 'agricultural'
                                   ELSE 'vacant' END) u
            """,
            {"org": org_id, "n": parcels},
        )
        c.execute(
            """
            INSERT INTO property_building (organization_id, parcel_id, number, house_number, house_id, type_code,
                construction, floor_area_m2, year_built, storeys, note, created_at, updated_at,
                use, share_agricultural, share_residential, share_other, share_vacant)
            SELECT p.organization_id, p.id, 1, '', '', CASE WHEN p.use = 'other' THEN '400' ELSE '100' END,
                   (ARRAY['masonry', 'half_masonry', 'wood'])[1 + p.id %% 3], 80 + p.id %% 400,
                   %(year)s - 1 - p.id %% 45, 2, '', now(), now(),
                   p.use, p.share_agricultural, p.share_residential, p.share_other, p.share_vacant
            FROM property_parcel p
            WHERE p.organization_id = %(org)s AND p.use IN ('residential', 'other', 'mixed')
            """,
            {"org": org_id, "year": YEAR},
        )
        c.execute(
            """
            INSERT INTO property_ownership (organization_id, owner_id, parcel_id, kind, share_numerator,
                share_denominator, valid_from, document, created_at)
            SELECT p.organization_id, %(first)s + (p.id + k) %% %(owners)s, p.id, 'owner', 1,
                   CASE WHEN p.id %% 50 = 0 THEN 2 ELSE 1 END, '2020-01-01', '', now()
            FROM property_parcel p CROSS JOIN generate_series(0, 1) k
            WHERE p.organization_id = %(org)s AND (k = 0 OR p.id %% 50 = 0)
            """,
            {"org": org_id, "first": first_owner, "owners": owners},
        )
        c.execute(
            """
            INSERT INTO property_houseregistration (organization_id, owner_id, building_id, registered_on,
                created_at)
            SELECT b.organization_id, o.owner_id, b.id, '2015-01-01', now()
            FROM property_building b JOIN property_ownership o ON o.parcel_id = b.parcel_id
            WHERE b.organization_id = %(org)s AND b.use = 'residential' AND b.id %% 3 <> 0
            """,
            {"org": org_id},
        )
        c.execute("delete from property_landprice where tax_year_id = %s", [tax_year_id])
        c.execute("delete from property_buildingprice where tax_year_id = %s", [tax_year_id])
        c.execute(
            """
            INSERT INTO property_landprice (organization_id, tax_year_id, key, price_per_square_wah, note)
            SELECT %(org)s, %(ty)s, lpad(z::text, 2, '0'), 2000 + z * 1500, '' FROM generate_series(0, 99) z
            UNION ALL
            SELECT %(org)s, %(ty)s, lpad(z::text, 2, '0') || chr(65 + b), 40000 + z * 1000, ''
            FROM generate_series(0, 99) z, generate_series(0, 25, 5) b
            """,
            {"org": org_id, "ty": tax_year_id},
        )
        c.execute(
            """
            INSERT INTO property_buildingprice (organization_id, tax_year_id, type_code, description,
                price_per_square_metre)
            VALUES (%(org)s, %(ty)s, '100', '', 7800), (%(org)s, %(ty)s, '400', '', 9500)
            """,
            {"org": org_id, "ty": tax_year_id},
        )
        for table in ("owner", "parcel", "building", "ownership", "houseregistration"):
            c.execute(f"analyze property_{table}")


def ensure_geometry(org_id: int) -> None:
    """Give every parcel a square of the grid (once; the registry above predates it)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "select exists (select 1 from property_parcel where organization_id = %s and geometry is null)",
            [org_id],
        )
        if not c.fetchone()[0]:
            return
        c.execute(
            """
            UPDATE property_parcel p
            SET geometry = ST_Multi(ST_MakeEnvelope(100.0 + (g.n %% 1000) * 0.0002, 13.0 + (g.n / 1000) * 0.0002,
                                                    100.0002 + (g.n %% 1000) * 0.0002,
                                                    13.0002 + (g.n / 1000) * 0.0002, 4326))
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM property_parcel
                  WHERE organization_id = %s) g
            WHERE p.id = g.id
            """,
            [org_id],
        )
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE) property_parcel")


def baseline_sql(tax_year) -> tuple[str, dict]:
    """The same taxes in one statement: brackets, exemptions, escalation and reduction from the tax year."""
    from muang.taxlaw.land_building import LAND_BUILDING_TAX_FIRST_YEAR, TaxClass

    rules = tax_year.land_building_rules()
    brackets = []
    for tax_class in TaxClass:
        lower = 0
        for b in rules.schedules.for_class(tax_class).brackets:
            upper = "NULL" if b.upper is None else str(b.upper)
            brackets.append(f"('{tax_class.value}', {lower}::numeric, {upper}::numeric, {b.rate_percent})")
            lower = b.upper
    ex = rules.exemptions
    esc = rules.vacant_escalation
    sched = tax_year.depreciation_schedules()

    def dep_case(construction) -> str:
        s = sched[construction]
        parts, counted, acc = [], 0, "0"
        for band in s.bands:
            if band.through_age is None:
                parts.append(f"ELSE {acc} + (age - {counted}) * {band.percent_per_year}")
            else:
                parts.append(
                    f"WHEN age <= {band.through_age} THEN {acc} + (age - {counted}) * {band.percent_per_year}"
                )
                acc = f"({acc} + {band.through_age - counted} * {band.percent_per_year})"
                counted = band.through_age
        return f"LEAST({s.cap_percent}, CASE {' '.join(parts)} END)"

    from muang.taxlaw.depreciation import Construction

    dep = (
        f"CASE construction WHEN 'masonry' THEN {dep_case(Construction.MASONRY)} "
        f"WHEN 'half_masonry' THEN {dep_case(Construction.HALF_MASONRY)} "
        f"ELSE {dep_case(Construction.WOOD)} END"
    )
    from muang.property.assessment.services.calculator import ITEMS_SQL

    items = ITEMS_SQL.rsplit("ORDER BY", 1)[0]
    sql = f"""
    WITH rows AS ({items}),
    valued AS (
        SELECT owner_id, individual, is_farmer, kind, prop_id, num, den, registered, vacant_since, sa, sr, so, sv,
               ROUND(CASE WHEN num = den THEN v ELSE v * num / den END, 2) AS owned
        FROM (SELECT r.*, %(year)s - year_built AS age FROM rows r) r
        CROSS JOIN LATERAL (SELECT COALESCE(price, 0) * quantity * CASE WHEN kind IN ('B', 'S')
                THEN 1 - ({dep})::numeric / 100 ELSE 1 END AS v) x
    ),
    props AS (
        SELECT *, CASE WHEN kind IN ('L', 'B') THEN 'P' ELSE kind END AS pkind,
               bool_or(individual AND registered AND kind IN ('B', 'C'))
                   OVER (PARTITION BY owner_id, CASE WHEN kind IN ('L', 'B') THEN 'P' ELSE kind END, prop_id)
                   AS main_home
        FROM valued
    ),
    parts AS (
        SELECT owner_id, pkind, prop_id, vacant_since, u.use, ROUND(owned * u.w / 100, 2) AS value,
            CASE u.use
              WHEN 'agricultural' THEN CASE WHEN individual AND is_farmer THEN 'farmer' ELSE 'agricultural' END
              WHEN 'other' THEN 'other'
              WHEN 'vacant' THEN 'vacant'
              ELSE CASE WHEN individual AND registered AND kind = 'S' THEN 'residence_building_only'
                        WHEN main_home THEN 'residence_main_home' ELSE 'residence_other' END
            END AS tax_class
        FROM props CROSS JOIN LATERAL (VALUES ('agricultural', sa), ('residential', sr), ('other', so),
                                              ('vacant', sv)) u(use, w)
        WHERE u.w > 0
    ),
    classed AS (  -- one row per (owner, property, class); the farmer's agricultural parts once per owner
        SELECT owner_id, CASE WHEN tax_class = 'farmer' THEN 'agricultural' ELSE tax_class END AS tax_class,
               sum(value) AS value, row_number() OVER () AS rid,
               -- s.43: vacant years count from the tax year the Act first applied (THAI-RULES §1)
               CASE WHEN tax_class = 'vacant' AND max(vacant_since) IS NOT NULL
                    THEN GREATEST(0, %(year)s - GREATEST(max(vacant_since), %(first_year)s) + 1) ELSE 0
               END AS vacant_years,
               CASE tax_class WHEN 'farmer' THEN {ex.individual_farmer}
                    WHEN 'residence_main_home' THEN {ex.residence_main_home}
                    WHEN 'residence_building_only' THEN {ex.residence_building_only} ELSE 0 END AS exemption
        FROM parts
        GROUP BY owner_id, tax_class, CASE WHEN tax_class = 'farmer' THEN NULL ELSE pkind END,
                 CASE WHEN tax_class = 'farmer' THEN NULL ELSE prop_id END
    ),
    br(tax_class, lower, upper, rate) AS (VALUES {", ".join(brackets)}),
    taxed AS (
        SELECT c.owner_id, sum(ROUND(GREATEST(0, LEAST(GREATEST(c.value - c.exemption, 0),
                   COALESCE(br.upper, 'Infinity')) - br.lower) * LEAST(br.rate + CASE WHEN c.tax_class = 'vacant'
                   THEN GREATEST(c.vacant_years - 1, 0) / {esc.every_years} * {esc.step_percent} ELSE 0 END,
                   CASE WHEN c.tax_class = 'vacant' THEN {esc.cap_percent} ELSE 100 END) / 100, 2)) AS gross,
               c.tax_class, c.value
        FROM classed c JOIN br ON br.tax_class = c.tax_class
        GROUP BY c.owner_id, c.tax_class, c.value, c.vacant_years, c.exemption, c.rid
    )
    SELECT count(DISTINCT owner_id), sum(gross - ROUND(gross * {rules.reduction_percent} / 100, 2))
    FROM taxed
    """  # noqa: S608
    params = {
        "org": tax_year.organization_id,
        "ty": tax_year.pk,
        "year": YEAR,
        "day": dt.date(YEAR, 1, 1),
        "first_year": LAND_BUILDING_TAX_FIRST_YEAR,
    }
    return sql, {**params, "lo": 0, "hi": 2**63 - 1}


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class CpuMeter:
    """CPU seconds spent on a piece of work, which the machine's load does not inflate as it does the
    wall-clock time: this process and its children (getrusage) plus the PostgreSQL backends serving the
    bench database (autovacuum aside), sampled from /proc every 0.2 s (a backend's last sample counts once it
    has gone)."""

    def __init__(self, database: str):
        self.marker = database.encode()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}

    def _backends(self) -> dict[int, float]:
        found = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read()
                # autovacuum cleans up after earlier runs whenever it likes: not this run's work
                if self.marker not in cmdline or b"autovacuum" in cmdline:
                    continue
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(pid)] = (int(fields[11]) + int(fields[12])) / self.tick
        return found

    def _sample(self) -> None:
        while not self.stop.wait(0.2):
            self.seen.update(self._backends())

    def __enter__(self):
        import resource
        import threading

        self.start = self._backends()
        self.seen = dict(self.start)
        usage = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
        self.own_start = sum(u.ru_utime + u.ru_stime for u in usage)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        import resource

        self.stop.set()
        self.thread.join()
        self.seen.update(self._backends())
        usage = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
        self.python = sum(u.ru_utime + u.ru_stime for u in usage) - self.own_start
        self.postgres = sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())

    def __str__(self) -> str:
        return f"CPU {self.python + self.postgres:.1f} s (Python {self.python:.1f} s, PostgreSQL {self.postgres:.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=None, help="force this many processes")
    parser.add_argument("--no-memo", action="store_true", help="no reuse of repeated computations")
    args = parser.parse_args()
    setup_django(database="muang_bench_assessment")
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("muang.property.assessment.services.assessment").setLevel(logging.INFO)

    from django.core.management import call_command
    from django.db import connection

    from muang.core.models import Organization, Province
    from muang.core.tests.factories import OrganizationFactory
    from muang.property.assessment.services import assessment, calculator, ruledata
    from muang.property.assessment.services.assessment import assessment_run_execute
    from muang.property.models import AssessmentRun, TaxYear

    if args.processes is not None:
        assessment._processes = lambda total: args.processes
    if args.no_memo:
        calculator.MEMO_SIZE = 0

    if not Province.objects.exists():
        call_command("load_areas", verbosity=0)
    org = Organization.objects.filter(slug="bench-assessment").first() or OrganizationFactory(
        slug="bench-assessment", dla_code=None
    )
    tax_year, _ = TaxYear.objects.get_or_create(
        organization=org, year=YEAR, defaults=ruledata.seed_fields(YEAR)
    )
    with timed() as t:
        populate(org.pk, tax_year.pk, args.parcels)
        ensure_geometry(org.pk)
    print(f"registry: {args.parcels:,} parcels ready in {t.seconds:.1f} s", flush=True)

    AssessmentRun.objects.filter(organization=org, status__in=AssessmentRun.ACTIVE).update(status="failed")
    run = AssessmentRun.objects.create(
        organization=org, tax_year=tax_year, year=YEAR, started_by_label="bench"
    )
    # The previous bench run's rows, deleted by this run's predecessor, would otherwise be vacuumed while
    # this one is measured (in production that happens long before the next run of the year).
    # Freshly generated tables are vacuumed and analysed before either figure is timed (for both: the run and
    # the statement read the same registry), so that neither pays autovacuum or plans on missing statistics.
    with connection.cursor() as cursor:
        for table in FRESH_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(f"before the run: {load()}", flush=True)
    with timed() as t_run, CpuMeter("muang_bench_assessment") as cpu_run:
        run = assessment_run_execute(run_id=run.pk)
    print(
        f"run {run.pk}: {run.status}, {run.assessments_count:,} taxpayers, progress "
        f"{run.progress_done:,}/{run.progress_total:,}, total tax {run.total_tax:,}",
        flush=True,
    )
    sql, params = baseline_sql(tax_year)
    with timed() as t_sql, CpuMeter("muang_bench_assessment") as cpu_sql, connection.cursor() as cursor:
        cursor.execute("SET jit = off")  # as in the run: JIT compiles this plan for seconds and gains nothing
        cursor.execute(sql, params)
        owners, total = cursor.fetchone()
    print(f"baseline: {owners:,} taxpayers, total tax {total:,}; after: {load()}", flush=True)
    print(f"run {cpu_run}; baseline {cpu_sql}", flush=True)
    report(
        f"assessment run (whole task, wall clock), {args.parcels:,} parcels",
        f"{t_run.seconds:.1f} s",
        "one set-based SQL statement",
        f"{t_sql.seconds:.1f} s ({t_run.seconds / t_sql.seconds:.2f}x)",
        target="<= 2x the statement",
    )
    if (owners, total) != (run.assessments_count, run.total_tax):
        print("MISMATCH: the run and the baseline disagree", flush=True)
        sys.exit(1)
    print("the run and the baseline agree to the satang", flush=True)


if __name__ == "__main__":
    main()
