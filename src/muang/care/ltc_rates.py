"""The health-security fund's long-term-care budget per dependent person and fiscal year (B.E.), as data.

Source: ../shared/THAI-RULES.md §6 — "10,442 baht from 2024, previously 6,000". The fund (สปสช.) set 6,000
baht a person a year when the LTC programme began (fiscal 2559) and raised it to 10,442 baht for fiscal 2567;
2568–2570 carry that rate until the fund announces another: a new announcement is a new row, not code.
Seeded by migration 0002 (and again by the tests after a transactional test flushed the tables)."""

from decimal import Decimal

SOURCE_OLD = "สปสช. กองทุนหลักประกันสุขภาพ LTC: 6,000 บาท/คน/ปี (THAI-RULES §6)"
SOURCE_NEW = "สปสช. กองทุนหลักประกันสุขภาพ LTC: 10,442 บาท/คน/ปี ตั้งแต่ 2567 (THAI-RULES §6)"
RATES = [(year, Decimal("6000.00"), SOURCE_OLD) for year in range(2559, 2567)] + [
    (year, Decimal("10442.00"), SOURCE_NEW) for year in range(2567, 2571)
]


def seed(model) -> None:
    """The rows, into `model` (the historical model in the migration, the real one in tests); idempotent."""
    for year, amount, source in RATES:
        model.objects.update_or_create(fiscal_year=year, defaults={"amount": amount, "source": source})
