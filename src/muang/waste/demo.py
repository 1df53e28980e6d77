"""Demo waste fees: for each demo organisation, the ordinance's rates, two collection routes of the public-health
crew, an account for each of its first households on the tax map (every tenth a shop), a year of monthly bills
and their payments by Thai QR (a bank statement per month, as the bank sends them), with some households left
in arrears. Deterministic (a fixed seed), once per organisation, through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from muang.billing.demo import demo_bank_statement
from muang.billing.models import Bill, BillingProfile, BillKind
from muang.billing.services.reconciliation import bank_statement_import
from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.core.thai_dates import add_months
from muang.property.registry import selectors as registry
from muang.waste.models import Account, RateSchedule
from muang.waste.services.accounts import account_create
from muang.waste.services.billing import waste_billing_run
from muang.waste.services.collection import missed_collections_dispatch, route_create
from muang.waste.services.rates import rate_schedule_create

SEED = 2569
SLUGS = ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso")
CREW = "health-env"
ACCOUNTS = 150  # per organisation
RATES = [
    {"code": "home", "name": "บ้านพักอาศัย (ไม่เกิน 20 ลิตร/วัน)", "litres_per_day": 20, "monthly_fee": "20.00"},
    {"code": "shop", "name": "ร้านค้า (ไม่เกิน 100 ลิตร/วัน)", "litres_per_day": 100, "monthly_fee": "150.00"},
    {"code": "market", "name": "ตลาดสด (ไม่เกิน 1 ลบ.ม./วัน)", "litres_per_day": 1000, "monthly_fee": "1500.00"},
]
STOP_NAMES = ("หน้าตลาดสด", "ซอยวัด", "โรงเรียน", "หน้าเทศบาล", "ชุมชนหนองแสง", "ท้ายซอย", "สามแยก", "ริมคลอง")


def load_demo_waste(
    slugs: tuple[str, ...] = SLUGS, *, accounts: int = ACCOUNTS, today: dt.date | None = None
) -> int:
    """The waste demo of each organisation in ``slugs`` that has a billing profile; returns how many got it."""
    today = today or timezone.localdate()
    done = 0
    for organization in Organization.objects.filter(slug__in=slugs).order_by("slug"):
        if load_demo_waste_for(organization, accounts=accounts, today=today):
            done += 1
    return done


def load_demo_waste_for(organization: Organization, *, accounts: int = ACCOUNTS, today: dt.date) -> bool:
    if RateSchedule.objects.filter(organization=organization).exists():
        return False
    if not BillingProfile.objects.filter(organization=organization).exists():
        return False
    crew = organization.departments.filter(code=CREW).first()
    if crew is None:
        return False
    rng = random.Random(f"{SEED}-{organization.slug}")  # noqa: S311 (demo data, deliberately reproducible)
    first_month = add_months(today.replace(day=1), -11)
    with transaction.atomic():
        rate_schedule_create(
            actor=SYSTEM,
            organization=organization,
            ordinance=f"เทศบัญญัติ{organization.name_th} เรื่อง ค่าธรรมเนียมการเก็บและขนมูลฝอย",
            effective_from=add_months(first_month, -1),
            rates=RATES,
        )
        centre = organization.boundary.centroid if organization.boundary else None
        if centre is not None:
            for r, (code, name, days) in enumerate((("R1", "สายตลาด–วัด", [0, 3]), ("R2", "สายชุมชน", [1, 4]))):
                stops = [
                    {
                        "name": STOP_NAMES[i],
                        "lat": centre.y + (r * 2 - 1) * 0.002 + 0.0006 * i,
                        "lon": centre.x - 0.002 + 0.0007 * i,
                    }
                    for i in range(len(STOP_NAMES))
                ]
                route_create(
                    actor=SYSTEM,
                    organization=organization,
                    code=code,
                    name=name,
                    crew_code=CREW,
                    weekdays=days,
                    stops=stops,
                )
        _accounts(
            organization, accounts=accounts, rng=rng, opened_on=first_month, has_routes=centre is not None
        )
    for i in range(12):
        month = add_months(first_month, i)
        with transaction.atomic():
            waste_billing_run(actor=SYSTEM, organization=organization, period=month, issued_on=month)
            _pay(organization, month, rng=rng, today=today)
    missed_collections_dispatch(organization=organization)
    return True


def _accounts(
    organization: Organization, *, accounts: int, rng: random.Random, opened_on, has_routes
) -> None:
    homes = (
        registry.buildings_of(actor=SYSTEM, organization=organization)
        .filter(demolished_on__isnull=True)
        .exclude(house_number="")
        .order_by("pk")[:accounts]
    )
    for n, building in enumerate(homes, start=1):
        point = building.parcel.location
        shop = n % 10 == 0
        account_create(
            actor=SYSTEM,
            organization=organization,
            number=f"W{n:05d}",
            holder_name=f"ครัวเรือนบ้านเลขที่ {building.house_number}"
            if not shop
            else f"ร้านค้า {building.house_number}",
            kind="business" if shop else "household",
            rate_class="shop" if shop else "home",
            opened_on=opened_on,
            house_number=building.house_number,
            address=f"บ้านเลขที่ {building.house_number}",
            phone=f"08{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else "",
            lat=point.y if point else None,
            lon=point.x if point else None,
            route_code=("R1" if n % 2 else "R2") if has_routes else "",
        )
    if not homes:
        account_create(
            actor=SYSTEM,
            organization=organization,
            number="W00001",
            holder_name="ตลาดสดเทศบาล",
            kind="business",
            rate_class="market",
            opened_on=opened_on,
        )


def _pay(organization: Organization, month: dt.date, *, rng: random.Random, today: dt.date) -> None:
    """Most households pay by Thai QR before the month ends; about one in eight of the older months' bills
    and more of the recent ones stay unpaid (the arrears list)."""
    key = f"waste:account:{month:%Y%m}."
    bills = list(
        Bill.objects.filter(
            organization=organization,
            kind=BillKind.WASTE_FEE,
            source_ref__startswith=key,
            cancelled_at__isnull=True,
        ).order_by("number")
    )
    paid_on = min(today, bills[0].due_date - dt.timedelta(days=rng.randint(2, 12))) if bills else today
    unpaid_share = 0.12 if month < add_months(today.replace(day=1), -1) else 0.35
    paying = [b for b in bills if rng.random() >= unpaid_share and paid_on >= b.issued_on]
    if not paying:
        return
    data = demo_bank_statement(paying, paid_on=paid_on, odd_lines=False, seed=SEED + organization.pk)
    # The bank numbers a day's transactions KTB<date><n>; the tax payments' demo file of the same day uses
    # those numbers already: these come from the waste fee's own collection account.
    data = data.replace(b",KTB", b",WQR")
    bank_statement_import(
        actor=SYSTEM,
        organization=organization,
        data=data,
        filename=f"waste-qr-{month:%Y%m}.csv",
        bank_format="muang",
    )


def demo_amounts(organization: Organization) -> dict[str, Decimal]:
    """What the demo billed and what is in arrears (for the tests)."""
    from django.db.models import Sum

    bills = Bill.objects.filter(organization=organization, kind=BillKind.WASTE_FEE, cancelled_at__isnull=True)
    return {
        "billed": bills.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "paid": bills.aggregate(s=Sum("paid_principal"))["s"] or Decimal(0),
        "accounts": Decimal(Account.objects.filter(organization=organization).count()),
    }
