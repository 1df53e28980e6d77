#!/usr/bin/env python
"""Bank reconciliation of a 100,000-line statement: target ≤ 10 s on the 2-core reference machine.

    .venv/bin/python bench/bench_bank_reconciliation.py [--lines 100000] [--keep]

Works in its own scratch database (``muang_bench``, or $MUANG_BENCH_DB) in the same PostgreSQL cluster as
the development database: drops and creates it, migrates it (PostGIS included), generates one organisation
with as many land-and-building tax bills as statement lines (a tenth of them in three instalments), and a
``muang``-format statement that mixes what real files contain: on-time payments, instalments, late payments
with their penalty and surcharge, unmatched references, partial payments and over-payments, late payments of
the notice's amount, and the bank repeating rows. Then it times

- the import: parse, match, apply (payments, receipts, bills, instalments) and commit, as staff run it;
- a baseline in the same run: COPY of the same lines into a scratch table plus ONE ``UPDATE … FROM`` join
  that only finds each line's bill by Ref1/Ref2 and compares the amount with the unpaid principal;

prints both, checks the outcome, and drops the scratch database (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muang.settings")
BENCH_DB = os.environ.get("MUANG_BENCH_DB", "muang_bench")
TARGET_SECONDS = 10.0


def _switch_to_scratch_database() -> dict:
    """Point Django's default connection at the scratch database (before anything connects) and
    (re)create it through the cluster's maintenance database."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    base = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None}
    if db.get("PASSWORD"):
        base["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    db["NAME"] = BENCH_DB
    return base


def _drop_scratch_database(base: dict) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def _setup_organization():
    import geothai

    from muang.billing.models import BillingProfile
    from muang.core.models import District, Organization, OrganizationKind, Province

    p = next(p for p in geothai.provinces() if p.code == "40")
    Province.objects.create(code=p.code, name_th=p.name_th, name_en=p.name_en)
    d = next(d for d in geothai.districts("40") if d.code == "4005")
    District.objects.create(code=d.code, name_th=d.name_th, name_en=d.name_en, province_id="40")
    org = Organization.objects.create(
        slug="bench", kind=OrganizationKind.SUBDISTRICT_MUNICIPALITY, name_th="เทศบาลตำบลทดสอบ",
        name_en="Bench", province_id="40", district_id="4005",
    )  # fmt: skip
    BillingProfile.objects.create(organization=org, biller_id="099400016550100", receipt_prefix="RC")
    return org


def _generate_bills(org, n: int) -> None:
    """n bills straight in SQL (the bench measures reconciliation, not issuing): amounts 100–5,099.99 baht,
    every tenth bill of ≥ 3,000 baht in three instalments (remainder satang on the first)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            """
            INSERT INTO billing_bill (organization_id, number, ref2, kind, year, source_ref, payer_name,
                payer_tax_id, payer_address, amount, paid_principal, paid_penalty, paid_surcharge, issued_on,
                due_date, has_instalments, status, cancel_reason, created_at)
            SELECT %s, 'LB2569' || lpad(g::text, 6, '0'), '2569', 'land_building_tax', 2026, 'bench:' || g,
                   'ผู้เสียภาษีทดสอบ ' || g, '', '', a.amount, 0, 0, 0, DATE '2026-02-15', DATE '2026-04-30',
                   (g %% 10 = 0 AND a.amount >= 3000), 'open', '', now()
            FROM generate_series(1, %s) g,
                 LATERAL (SELECT (100 + ((g::bigint * 7919) %% 500000) / 100.0)::numeric(14, 2) AS amount) a
            """,
            [org.pk, n],
        )
        c.execute(
            """
            INSERT INTO billing_instalment (organization_id, bill_id, seq, amount, due_date, running_total)
            SELECT b.organization_id, b.id, 1, b.amount, b.due_date, b.amount
            FROM billing_bill b WHERE b.organization_id = %s AND NOT b.has_instalments
            UNION ALL
            SELECT b.organization_id, b.id, s.seq,
                   CASE WHEN s.seq = 1 THEN b.amount - 2 * trunc(b.amount / 3, 2) ELSE trunc(b.amount / 3, 2) END,
                   (b.due_date + make_interval(months => s.seq - 1))::date,
                   b.amount - (3 - s.seq) * trunc(b.amount / 3, 2)
            FROM billing_bill b CROSS JOIN generate_series(1, 3) AS s(seq)
            WHERE b.organization_id = %s AND b.has_instalments
            """,
            [org.pk, org.pk],
        )
    # What autovacuum would have done by the time a bank file arrives: statistics, hint bits, visibility map.
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE) billing_bill, billing_instalment")
        # And start the timed part without the setup's WAL still to flush (needs pg_checkpoint rights).
        with contextlib.suppress(Exception):
            c.execute("CHECKPOINT")


def _statement(org, n: int) -> tuple[bytes, dict[str, int]]:
    """A statement of n lines, one per bill, in a realistic mix; returns the file and the expected counts."""
    from muang.billing.dues import ChargeContext, InstalmentState, amount_due
    from muang.billing.models import Instalment

    by_bill: dict[int, list[InstalmentState]] = {}
    numbers: dict[int, str] = {}
    for bill_id, number, seq, amount, due in Instalment.objects.filter(organization=org).values_list(
        "bill_id", "bill__number", "seq", "amount", "due_date"
    ):
        by_bill.setdefault(bill_id, []).append(InstalmentState(seq, amount, due))
        numbers[bill_id] = number
    lb = ChargeContext("land_building_tax")
    expected = {
        "matched": 0,
        "unmatched": 0,
        "partial": 0,
        "duplicate": 0,
        "wrong_amount": 0,
        "over_payment": 0,
    }
    rows = ["date,time,ref1,ref2,amount,payer_name,channel,branch,transaction_id"]
    on_time, late = dt.date(2026, 4, 20), dt.date(2026, 6, 15)
    for k, bill_id in enumerate(sorted(by_bill)):
        states = sorted(by_bill[bill_id], key=lambda i: i.seq)
        ref1, day, kind = numbers[bill_id], on_time, k % 100
        if kind < 85:  # on time, the whole bill or (instalment bills) the first instalment
            amount = states[0].amount if len(states) > 1 else sum(i.amount for i in states)
            expected["matched"] += 1
        elif kind < 90:  # late, with penalty and surcharge to the satang
            day = late
            amount = amount_due(states, day, lb).total
            expected["matched"] += 1
        elif kind < 93:  # a reference that matches nothing
            ref1 = f"XX{k:010d}"
            amount = Decimal("500.00")
            expected["unmatched"] += 1
        elif kind < 95:
            amount = (states[0].amount / 2).quantize(Decimal("0.01"))
            expected["partial"] += 1
        elif kind < 96:
            amount = sum(i.amount for i in states) + Decimal("100.00")
            expected["over_payment"] += 1
        elif kind < 98:  # late, paying the notice's printed amount
            day = late
            amount = sum(i.amount for i in states)
            expected["wrong_amount"] += 1
        else:  # the bank lists the same on-time transaction twice
            amount = sum(i.amount for i in states)
            rows.append(f"{on_time},10:00:00,{ref1},2569,{amount},ผู้ชำระ {k},MOBILE,0001,TX{k:09d}")
            expected["matched"] += 1
            expected["duplicate"] += 1
            if len(rows) - 1 >= n:
                break
        rows.append(f"{day},10:00:00,{ref1},2569,{amount},ผู้ชำระ {k},MOBILE,0001,TX{k:09d}")
        if len(rows) - 1 >= n:
            break
    return ("\n".join(rows) + "\n").encode(), expected


def _baseline(org, data: bytes) -> tuple[float, float, int]:
    """COPY the raw lines into a scratch table, then one UPDATE … FROM join that only matches."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE bench_lines (line_no int, ref1 text, ref2 text, amount numeric(14, 2), "
            "txn text, bill_id bigint, exact boolean) ON COMMIT DROP"
        )
        t0 = time.perf_counter()
        text = data.decode()
        body = text.split("\n", 1)[1]
        buf = io.StringIO()
        for i, line in enumerate(body.splitlines(), start=2):
            f = line.split(",")
            buf.write(f"{i}\t{f[2]}\t{f[3]}\t{f[4]}\t{f[8]}\n")
        with c.cursor.copy("COPY bench_lines (line_no, ref1, ref2, amount, txn) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        t1 = time.perf_counter()
        c.execute(
            """UPDATE bench_lines l SET bill_id = b.id, exact = (l.amount = b.amount - b.paid_principal)
               FROM billing_bill b
               WHERE b.organization_id = %s AND b.number = l.ref1 AND b.ref2 = l.ref2""",
            [org.pk],
        )
        matched = c.rowcount
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, matched


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument("--profile", action="store_true", help="print where the import spends its time")
    args = parser.parse_args()

    import django

    django.setup()
    base = _switch_to_scratch_database()
    try:
        return _run(args)
    finally:
        if not args.keep:
            _drop_scratch_database(base)


def _run(args) -> int:
    import logging

    from django.core.management import call_command
    from django.db import connection

    from muang.billing.models import Bill, MatchStatus, Payment, Receipt
    from muang.billing.services.payments import receipts_per_fiscal_year
    from muang.billing.services.reconciliation import bank_statement_import
    from muang.core.access import SYSTEM

    logging.disable(logging.INFO)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    org = _setup_organization()
    _generate_bills(org, args.lines)
    data, expected = _statement(org, args.lines)
    connection.close()  # start the timed part on a fresh connection, like a request would
    print(
        f"setup: {Bill.objects.count():,} bills, {len(data) / 1e6:.1f} MB statement in {time.perf_counter() - t:.1f} s"
    )

    copy_s, join_s, joined = _baseline(org, data)
    print(f"baseline (COPY + one UPDATE…FROM join, matching only): {copy_s + join_s:6.2f} s "
          f"(COPY {copy_s:.2f} s, join {join_s:.2f} s, {joined:,} lines found their bill)")  # fmt: skip

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, cpu0 = time.perf_counter(), time.process_time()
    statement = bank_statement_import(
        actor=SYSTEM, organization=org, data=data, filename="bench.csv", bank_format="muang"
    )
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    statement.timings["commit"] = elapsed - sum(statement.timings.values())
    print("  phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in statement.timings.items()))
    print(f"  Python CPU {cpu:.2f} s of the {elapsed:.2f} s; the rest is PostgreSQL and waiting")
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    lines = statement.line_count
    print(f"reconciliation (parse, match, apply, receipts, commit):  {elapsed:6.2f} s "
          f"for {lines:,} lines ({lines / elapsed:,.0f} lines/s); target ≤ {TARGET_SECONDS:.0f} s "
          f"→ {'OK' if elapsed <= TARGET_SECONDS else 'SLOWER THAN TARGET'}")  # fmt: skip
    baseline = copy_s + join_s
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  = {elapsed / baseline:.0f}× the baseline of this run ({baseline:.2f} s); "
          f"load average {load} on {os.cpu_count()} CPUs (a shared machine slows both)")  # fmt: skip

    got = {status: statement.summary[status]["lines"] for status in MatchStatus.values}
    print("lines by status:", ", ".join(f"{k} {v:,}" for k, v in got.items()))
    assert got == expected, (got, expected)
    assert Payment.objects.filter(organization=org).count() == expected["matched"]
    (seqs,) = receipts_per_fiscal_year(org).values()
    assert seqs == list(range(1, expected["matched"] + 1)), "receipt numbers must have no gaps"
    assert Receipt.objects.filter(organization=org).count() == expected["matched"]
    print("checked: statuses as generated, one payment and one gap-free receipt per matched line")
    return 0 if elapsed <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
