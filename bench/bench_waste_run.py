"""The monthly waste-fee run (issue 14: <= 20 s for 200,000 accounts, bills and Thai QR payloads included),
beside ONE SQL statement computing the same totals in the same run.

    .venv/bin/python bench/bench_waste_run.py [--quick] [--accounts 200000]

The scratch database `muang_bench_waste` holds one organisation with a billing profile, the ordinance's rates
(home 20 baht, shop 150, market 1,500 a month) and the accounts, generated in SQL (every 10th a shop, every
1,000th a market). Each invocation deletes the previous run's bills, then times:

- the run: `waste.services.billing.waste_billing_run` as the billing page calls it (the accounts read, the
  wanted bills, billing's set-based bill sync `bills_sync_set`: the in-force bills locked and compared, gap-free
  numbers reserved in one block, bills, lines and instalments written by COPY, one audit entry per bill written
  by one INSERT … SELECT), then the Thai QR payload of every bill issued (what goes on each notice and into the
  LINE message), built with billing's `thaiqr.build_bill_payments` (the same payloads as `qr_payload`, tested);
- the baseline: one SQL statement computing the number of bills and their total from the accounts and the
  rates in force.

The script fails unless the run's count and total equal the baseline's. The 1-minute load average is printed
before and after: figures from a shared machine are only comparable at similar load.
"""

import argparse
import datetime as dt
import os

from support import BENCH_DB, report, setup_django, timed

DB = f"{BENCH_DB}_waste"
SLUG = "bench-waste"
PERIOD = dt.date(2026, 3, 1)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def world(accounts: int):
    from django.db import connection

    from muang.billing.models import BillingProfile
    from muang.core.access import SYSTEM
    from muang.core.models import Organization, OrganizationKind, Province
    from muang.waste.models import Account, RateSchedule
    from muang.waste.services.rates import rate_schedule_create

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": "เทศบาลทดสอบค่าขยะ",
            "name_en": "Waste bench town",
            "province": province,
        },
    )
    BillingProfile.objects.get_or_create(
        organization=org, defaults={"biller_id": "099400016550100", "receipt_prefix": "RC"}
    )
    if not RateSchedule.objects.filter(organization=org).exists():
        rate_schedule_create(
            actor=SYSTEM,
            organization=org,
            ordinance="เทศบัญญัติ ค่าธรรมเนียมเก็บขนมูลฝอย (bench)",
            effective_from=dt.date(2025, 10, 1),
            rates=[
                {"code": "home", "name": "บ้าน", "litres_per_day": 20, "monthly_fee": "20.00"},
                {"code": "shop", "name": "ร้านค้า", "litres_per_day": 100, "monthly_fee": "150.00"},
                {"code": "market", "name": "ตลาด", "litres_per_day": 1000, "monthly_fee": "1500.00"},
            ],
        )
    if Account.objects.filter(organization=org).count() != accounts:
        with connection.cursor() as c:
            c.execute("delete from waste_account where organization_id = %s", [org.pk])
            c.execute(
                """
                INSERT INTO waste_account (organization_id, number, kind, holder_name, holder_tax_id, house_number,
                    address, phone, rate_class, cycle, parcel_code, opened_on, created_at)
                SELECT %(org)s, 'W' || lpad(i::text, 7, '0'),
                    CASE WHEN i %% 10 = 0 THEN 'business' ELSE 'household' END,
                    'ครัวเรือน ' || i, '', i::text, 'บ้านเลขที่ ' || i || ' ตำบลชุมแพ', '',
                    CASE WHEN i %% 1000 = 0 THEN 'market' WHEN i %% 10 = 0 THEN 'shop' ELSE 'home' END,
                    'monthly', '', DATE '2025-10-01', now()
                FROM generate_series(1, %(n)s) i
                """,
                {"org": org.pk, "n": accounts},
            )
    return org


def clear_bills(org) -> None:
    """The previous run's bills go (the audit log is append-only: its entries stay, as in production)."""
    from django.db import connection

    with connection.cursor() as c:
        for table in ("billing_billline", "billing_instalment"):
            c.execute(
                f"delete from {table} where bill_id in (select id from billing_bill where organization_id = %s)",  # noqa: S608
                [org.pk],
            )
        c.execute("delete from billing_bill where organization_id = %s", [org.pk])
        c.execute("delete from billing_numbersequence where organization_id = %s", [org.pk])
        c.execute("vacuum analyze billing_bill")


BASELINE = """
SELECT count(*), coalesce(sum(r.monthly_fee), 0)
FROM waste_account a
JOIN waste_rate r ON r.organization_id = a.organization_id AND r.code = a.rate_class
  AND r.schedule_id = (SELECT s.id FROM waste_rateschedule s WHERE s.organization_id = a.organization_id
                       AND s.effective_from <= %(first)s ORDER BY s.effective_from DESC LIMIT 1)
WHERE a.organization_id = %(org)s AND a.cycle = 'monthly' AND a.opened_on <= %(last)s
  AND (a.closed_on IS NULL OR a.closed_on >= %(first)s) AND r.monthly_fee > 0
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 accounts")
    args = parser.parse_args()
    accounts = 20_000 if args.quick else args.accounts
    setup_django(database=DB)
    from django.db import connection

    from muang.billing.models import Bill, BillingProfile
    from muang.billing.services.notices import qr_payload
    from muang.billing.thaiqr import build_bill_payments
    from muang.core.access import SYSTEM
    from muang.waste.services.billing import waste_billing_run

    org = world(accounts)
    clear_bills(org)
    profile = BillingProfile.objects.get(organization=org)
    print(f"load average before the run: {load()}", flush=True)
    with timed() as run:
        result = waste_billing_run(actor=SYSTEM, organization=org, period=PERIOD, issued_on=PERIOD)
        payloads = build_bill_payments(
            biller_id=profile.biller_id, bills=((b.number, b.ref2, b.amount) for b in result.issued_bills)
        )
    with timed() as baseline, connection.cursor() as c:
        c.execute(BASELINE, {"org": org.pk, "first": PERIOD, "last": dt.date(2026, 3, 31)})
        count, total = c.fetchone()
    print(f"load average after the run: {load()}", flush=True)
    assert (result.issued, result.issued_total) == (count, total), (
        result.issued,
        result.issued_total,
        count,
        total,
    )
    assert len(payloads) == count and all(p.startswith("000201") for p in payloads[:10])
    sample = Bill.objects.filter(pk__in=result.bill_ids[:: max(1, count // 50)])
    by_id = dict(zip(result.bill_ids, payloads, strict=True))
    assert all(by_id[b.pk] == qr_payload(profile, b, b.amount) for b in sample), "QR payloads differ"
    assert Bill.objects.filter(organization=org).count() == count
    report(
        f"waste-fee run, {accounts:,} accounts (+QR)",
        f"{run.seconds:.1f} s",
        "one SQL statement",
        f"{baseline.seconds:.2f} s",
        "<= 20 s" if accounts == 200_000 else "",
    )
    print(f"  {count:,} bills, {total:,.2f} baht; second statement identical", flush=True)


if __name__ == "__main__":
    main()
