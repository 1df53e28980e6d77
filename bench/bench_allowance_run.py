"""The monthly allowance payment run for 100,000 recipients, with the KTB direct-credit bank file written,
beside ONE SQL statement computing the same totals in the same run (issue 12: ≤ 30 s, ≤ 3× the statement).

The register is generated in the scratch database `muang_bench_allowances` (`INSERT … SELECT generate_series`):
people aged 55–100, each enrolled in the elderly programme (every 8th also or instead in the disability
programme, with a card that expired for every 40th), an allowance right for each (every 10th paid in cash,
the rest to a ten-digit KTB account), every 100th dead before the month, every 50th not confirmed for the
fiscal year, every 200th a state pensioner, and every 500th with an over-payment to recover.

The timed run is what an officer's click costs: `run_start` (the row, the audit) and the task body
`run_execute` (the set-based INSERT … SELECT of every line, the rights ended, the adjustments, the totals),
then the bank file as an officer downloads it: `bank_file` (the month's lines added up per payee, the KTB file
built, the export audited), written to disk. This process first settles as the web's and the worker's do
(`muang.core.process.settle`: the framework warmed and frozen out of the cyclic collector's reach).
The baseline is `care.allowances.sql_totals`: the month's payments in one statement. Both must agree on the
number of people paid by the allowance (not the adjustments) and its total; the script fails otherwise.

    .venv/bin/python bench/bench_allowance_run.py [--recipients 100000] [--runs 5]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile

from support import BENCH_DB, load_average, report, setup_django, timed

DB = f"{BENCH_DB}_allowances"
SLUG = "bench-allowances"
MONTH = dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 2)


def world(recipients: int):
    from django.db import connection

    from muang.care.models import AllowancePayer, Person
    from muang.core.models import Organization, OrganizationKind, Province

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": "เทศบาลทดสอบเบี้ยยังชีพ",
            "name_en": "Allowance bench town",
            "province": province,
        },
    )
    AllowancePayer.objects.update_or_create(
        organization=org,
        defaults={
            "bank_code": "006",
            "branch_code": "0412",
            "account_number": "4120012345",
            "account_name": "เทศบาลทดสอบเบี้ยยังชีพ",
            "company_id": "BENCH0001",
        },
    )
    have = Person.objects.filter(organization=org).count()
    with timed() as t, connection.cursor() as c:
        params = {"org": org.pk, "first": have, "last": recipients - 1, "month": MONTH}
        if have < recipients:
            c.execute(
                """
                INSERT INTO care_person (organization_id, national_id, title, first_name, last_name, full_name,
                    birth_date, sex, address, subdistrict_code, phones, emergency_contacts, lives_alone,
                    line_user_id, adl_group, died_on, created_at, updated_at)
                SELECT %(org)s, (2000000000000 + i)::text, 'นาง', 'บุญมา' || i, 'ศรีสุข', 'บุญมา' || i || ' ศรีสุข',
                       date '1926-12-01' + (i * 7919 %% 16400)::int, 'female', '', '400512', '{}', '[]', false, '',
                       '', CASE WHEN i %% 100 = 0 THEN date '2026-11-15' END, now(), now()
                FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
                """,
                params,
            )
        c.execute(
            """
            INSERT INTO care_enrolment (organization_id, person_id, programme, status, started_on,
                disability_type, card_number, card_expires_on)
            SELECT p.organization_id, p.id, prog, 'active', date '2026-01-01',
                   CASE WHEN prog = 'disability' THEN 'physical' ELSE '' END,
                   CASE WHEN prog = 'disability' THEN 'C' || p.id ELSE '' END,
                   CASE WHEN prog = 'disability' THEN
                       CASE WHEN p.id %% 40 = 0 THEN date '2026-10-31' ELSE date '2030-12-31' END END
            FROM care_person p
            CROSS JOIN LATERAL (
                SELECT unnest(CASE WHEN p.id %% 8 = 0 THEN ARRAY['elderly', 'disability']
                                   WHEN p.id %% 8 = 1 THEN ARRAY['disability']
                                   ELSE ARRAY['elderly'] END) AS prog) x
            WHERE p.organization_id = %(org)s
              AND NOT EXISTS (SELECT 1 FROM care_enrolment e WHERE e.person_id = p.id)
            """,
            params,
        )
        c.execute(
            """
            INSERT INTO care_allowanceright (organization_id, person_id, kind, status, applied_on, first_month,
                confirmed_fiscal_year, confirmed_on, method, bank_code, account_number, account_name,
                welfare_card, state_pensioner, stop_reason, created_at)
            SELECT e.organization_id, e.person_id, e.programme, 'active', date '2026-01-05', date '2026-02-01',
                   CASE WHEN e.person_id %% 50 = 0 THEN 2569 ELSE 2570 END, date '2026-09-01',
                   CASE WHEN e.person_id %% 10 = 0 THEN 'cash' ELSE 'bank' END,
                   CASE WHEN e.person_id %% 10 = 0 THEN '' ELSE '006' END,
                   CASE WHEN e.person_id %% 10 = 0 THEN '' ELSE lpad((4120000000 + e.person_id)::text, 10, '0') END,
                   CASE WHEN e.person_id %% 10 = 0 THEN '' ELSE 'นางบุญมา ศรีสุข' END,
                   e.person_id %% 16 = 0, e.programme = 'elderly' AND e.person_id %% 200 = 0, '', now()
            FROM care_enrolment e
            WHERE e.organization_id = %(org)s
              AND NOT EXISTS (SELECT 1 FROM care_allowanceright r WHERE r.person_id = e.person_id
                              AND r.kind = e.programme)
            """,
            params,
        )
        c.execute("ANALYZE care_person; ANALYZE care_enrolment; ANALYZE care_allowanceright")
    print(f"register ready ({recipients - have:,} people added) in {t.seconds:.1f} s")
    return org


def reset(org) -> None:
    """Forget the previous invocation's run: lines are final (a trigger refuses DELETE), TRUNCATE is the
    scratch database's way round it."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE care_allowanceline, care_allowanceadjustment, care_allowancerun")
        c.execute(
            "UPDATE care_allowanceright SET status = 'active', stopped_on = NULL, stop_reason = ''"
            " WHERE organization_id = %s AND status = 'stopped'",
            [org.pk],
        )
        c.execute(
            """
            INSERT INTO care_allowanceadjustment (organization_id, right_id, amount, remaining, reason,
                created_by_label, created_at)
            SELECT organization_id, id, -300, -300, 'bench: over-payment', 'bench', now()
            FROM care_allowanceright WHERE organization_id = %s AND id %% 500 = 0
            """,
            [org.pk],
        )


def once(org, args) -> tuple[float, float]:
    """One timed run (after the previous one is forgotten) beside the one-statement baseline: (run, baseline)."""
    from muang.care import allowances
    from muang.care.models import AllowanceLine, AllowanceRight
    from muang.care.services.allowances import run_execute, run_start
    from muang.core.access import SYSTEM

    reset(org)
    rights = AllowanceRight.objects.filter(organization=org).count()
    print(f"{args.recipients:,} people, {rights:,} allowance rights; {load_average()}")

    with timed() as baseline:
        yardstick = allowances.sql_totals(organization_id=org.pk, month=MONTH)

    with timed() as total, tempfile.TemporaryDirectory() as tmp:
        with timed() as compute:
            run = run_start(actor=SYSTEM, organization=org, month=MONTH, today=TODAY)
            run = run_execute(run_id=run.pk)
        with timed() as write:
            data, _filename, _type = allowances.bank_file(actor=SYSTEM, run=run, fmt="ktb")
            path = os.path.join(tmp, "ktb.txt")
            with open(path, "wb") as f:
                f.write(data)
            size = os.path.getsize(path)

    transfers = data.count(b"\r\n") - 1  # a header, then a record per transfer, each ended by CR LF
    payments = AllowanceLine.objects.filter(run=run, line_type="payment")
    paid = {"count": payments.count(), "total": sum(payments.values_list("amount", flat=True))}
    print(
        f"run: {run.lines_count:,} lines, {paid['count']:,} allowances paid ({run.total:,} baht net of recoveries);"
        f" KTB file {transfers:,} transfers, {size:,} bytes"
    )
    print(f"  computing {compute.seconds:.2f} s, bank file {write.seconds:.2f} s; {load_average()}")
    if paid != yardstick:
        print(f"MISMATCH: run {paid} vs one statement {yardstick}", file=sys.stderr)
        sys.exit(1)
    ratio = total.seconds / baseline.seconds if baseline.seconds else float("inf")
    report(
        f"allowance run + KTB file, {args.recipients:,} people",
        f"{total.seconds:.2f} s",
        "one SQL statement of the same totals",
        f"{baseline.seconds:.2f} s (×{ratio:.1f})",
        "≤ 30 s and ≤ 3× the statement",
    )
    return total.seconds, baseline.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="timed runs; more than one prints the medians")
    args = parser.parse_args()
    setup_django(database=DB)

    org = world(args.recipients)
    # The run is computed by the background worker and the file downloaded from a web worker: both processes
    # settle at start (warmed, and what is alive frozen out of the cyclic collector's reach), and so does this one.
    from muang.core.process import settle

    settle()
    results = [once(org, args) for _ in range(args.runs)]
    if args.runs > 1:
        runs, baselines = zip(*results, strict=True)
        ratios = [r / b for r, b in results]
        report(
            f"median of {args.runs} runs",
            f"{statistics.median(runs):.2f} s",
            "one SQL statement",
            f"{statistics.median(baselines):.2f} s (median ×{statistics.median(ratios):.1f},"
            f" each ×{', ×'.join(f'{x:.1f}' for x in ratios)}); {load_average()}",
            "≤ 3×",
        )


if __name__ == "__main__":
    main()
