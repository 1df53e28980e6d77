"""Test data for the tax map: a billing organisation with parcels, owners and land-and-building tax bills
written the way the assessment's billing step writes them (one bill per owner, one line per property)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from muang.billing.models import Bill, BillKind
from muang.billing.services.bills import LineDraft, Payer, bill_issue
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import cashier_actor
from muang.core.access import SYSTEM
from muang.property.models import Building, Owner, Ownership, Parcel

YEAR = 2026


def own(owner: Owner, parcel: Parcel, valid_from: dt.date = dt.date(2020, 1, 1)) -> Ownership:
    return Ownership.objects.create(
        organization=parcel.organization, owner=owner, parcel=parcel, valid_from=valid_from
    )


def property_bill(
    owner: Owner,
    *items: tuple[Parcel | Building, str],
    year: int = YEAR,
) -> Bill:
    """A land-and-building tax bill of `owner` with one line per (property, amount)."""
    lines = []
    for item, amount in items:
        kind = "parcel" if isinstance(item, Parcel) else "building"
        lines.append(
            LineDraft(
                description=f"{kind} {item.code}",
                amount=Decimal(amount),
                source_ref=f"property:{kind}:{item.pk}",
            )
        )
    return bill_issue(
        actor=SYSTEM,
        organization=owner.organization,
        kind=BillKind.LAND_BUILDING_TAX,
        year=year,
        payer=Payer(name=owner.display_name, tax_id=owner.national_id or ""),
        lines=lines,
        due_date=dt.date(year, 4, 30),
        issued_on=dt.date(year, 2, 15),
        source_ref=f"property:owner:{owner.pk}",
    )


def pay(bill: Bill, amount: str | None = None) -> None:
    """Pay at the counter through the billing service, as the revenue department's cashier."""
    bill.refresh_from_db()
    payment_record(
        actor=cashier_actor(bill.organization),
        bill=bill,
        amount=Decimal(amount) if amount else bill.amount - bill.paid_principal,
        channel="cash",
        paid_on=dt.date(bill.year, 3, 1),
    )
