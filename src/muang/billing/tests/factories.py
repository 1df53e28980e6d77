"""Billing test data: an organisation with a billing profile, staff of its finance department, bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from muang.billing.models import Bill, BillingProfile, BillKind
from muang.billing.services.bills import LineDraft, Payer, bill_issue
from muang.core.access import SYSTEM, Actor
from muang.core.models import Duty, Organization, Role
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory, member

BILLER_ID = "099400016550100"  # the published Thai QR bill-payment vector's biller (valid tax ID + suffix)
NATIONAL_ID = "1101700230708"  # a valid check digit


def billing_organization(**kwargs) -> Organization:
    org = OrganizationFactory(**kwargs)
    DepartmentFactory(
        organization=org, code="revenue", name_th="กองคลัง", name_en="Finance", duties=[Duty.FINANCE, Duty.TAX]
    )
    BillingProfile.objects.create(
        organization=org,
        biller_id=BILLER_ID,
        receipt_prefix="RC",
        bank_accounts=[{"bank": "ธนาคารกรุงไทย", "account_no": "123-4-56789-0", "account_name": "เทศบาล"}],
        signatory_name="นายสมศักดิ์ ใจงาม",
        signatory_title="นายกเทศมนตรี",
        payment_places="งานพัฒนาและจัดเก็บรายได้ กองคลัง",
    )
    return org


def revenue_member(org: Organization, role: str = Role.OFFICER):
    """A member of กองคลัง, which holds the finance and tax duties (the one `billing_organization` made)."""
    department = org.departments.get(duties__contains=[Duty.FINANCE])
    return member(org, role, department=department)


def staff_actor(org: Organization, role: str = Role.SYSTEM_ADMIN) -> Actor:
    return Actor(user=member(org, role))


def cashier_actor(org: Organization) -> Actor:
    return Actor(user=revenue_member(org))


def issue(
    org: Organization,
    amount: str | Decimal = "1000.00",
    *,
    kind: str = BillKind.LAND_BUILDING_TAX,
    year: int = 2026,
    due_date: dt.date = dt.date(2026, 4, 30),
    issued_on: dt.date = dt.date(2026, 2, 15),
    instalments: bool = False,
    number: str | None = None,
    actor: Actor = SYSTEM,
    source_ref: str = "",
) -> Bill:
    return bill_issue(
        actor=actor,
        organization=org,
        kind=kind,
        year=year,
        payer=Payer(name="นางสาวสมหญิง รักเมือง", tax_id=NATIONAL_ID, address="99 หมู่ 1 ต.ชุมแพ อ.ชุมแพ ขอนแก่น"),
        lines=[LineDraft(description="ที่ดิน โฉนด 1234 (01A001)", amount=Decimal(amount))],
        due_date=due_date,
        issued_on=issued_on,
        instalments=instalments,
        number=number,
        source_ref=source_ref,
    )


def muang_csv(rows: list[tuple]) -> bytes:
    """A statement in the `muang` format from (date, time, ref1, ref2, amount, txn) tuples."""
    out = ["date,time,ref1,ref2,amount,payer_name,channel,branch,transaction_id"]
    for date, time, ref1, ref2, amount, txn in rows:
        out.append(f"{date},{time},{ref1},{ref2},{amount},สมหญิง รักเมือง,MOBILE,0001,{txn}")
    return ("\n".join(out) + "\n").encode()
