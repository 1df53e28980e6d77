"""Self-service test data: a municipality with billing, a taxpayer with a house on a parcel, the year's real
assessment run, bills, and other people's things to try to reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from muang.billing.models import Bill, BillKind
from muang.billing.services.bills import LineDraft, Payer, bill_issue
from muang.billing.tests.factories import billing_organization
from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.property.assessment.services.assessment import assessment_run_start
from muang.property.models import Assessment, BuildingPrice, LandPrice, Owner, Ownership, Parcel, TaxYear
from muang.property.tests.factories import BuildingFactory, OwnerFactory, ParcelFactory, tax_year_fields
from muang.selfservice.services import signin
from muang.selfservice.session import sign_in as session_sign_in

YEAR = 2026
PHONE = "081-234-5678"


@dataclass
class Town:
    org: Organization
    owner: Owner
    parcel: Parcel
    bill: Bill  # this year's, open, within the objection period
    late_bill: Bill  # last year's, overdue
    neighbour: Owner
    neighbour_bill: Bill
    other_org: Organization
    twin: Owner  # the same person (same national ID) in another organisation
    twin_bill: Bill
    assessment: Assessment | None = None


def issue_for(
    owner: Owner, amount: str, *, year: int, issued_on: dt.date, due_date: dt.date, kind=None
) -> Bill:
    kind = kind or BillKind.LAND_BUILDING_TAX
    prefix = "property:signboard-owner" if kind == BillKind.SIGNBOARD_TAX else "property:owner"
    return bill_issue(
        actor=SYSTEM,
        organization=owner.organization,
        kind=kind,
        year=year,
        payer=Payer(
            name=owner.display_name, tax_id=owner.national_id or owner.tax_id or "", address="ขอนแก่น"
        ),
        lines=[LineDraft(description="ที่ดินและสิ่งปลูกสร้าง", amount=Decimal(amount))],
        due_date=due_date,
        issued_on=issued_on,
        source_ref=f"{prefix}:{owner.pk}",
    )


def own(owner: Owner, **target) -> Ownership:
    return Ownership.objects.create(
        organization=owner.organization, owner=owner, valid_from=dt.date(2020, 1, 1), **target
    )


def build_town(*, with_assessment: bool = False, capture=None) -> Town:
    today = timezone.localdate()
    org = billing_organization(phone="043-123456")
    owner = OwnerFactory(organization=org, phone=PHONE, name="สมหญิง", last_name="รักเมือง", title="นาง")
    parcel = ParcelFactory(
        organization=org, use="other", share_residential=Decimal(0), share_other=Decimal(100)
    )
    building = BuildingFactory(
        parcel=parcel, use="other", share_residential=Decimal(0), share_other=Decimal(100)
    )
    own(owner, parcel=parcel)
    own(owner, building=building)
    bill = issue_for(
        owner,
        "1000.00",
        year=YEAR,
        issued_on=today - dt.timedelta(days=5),
        due_date=today + dt.timedelta(days=30),
    )
    late_bill = issue_for(
        owner,
        "2000.00",
        year=YEAR - 1,
        issued_on=today - dt.timedelta(days=200),
        due_date=today - dt.timedelta(days=100),
    )
    neighbour = OwnerFactory(organization=org, phone="0899999999")
    own(neighbour, parcel=ParcelFactory(organization=org))
    neighbour_bill = issue_for(
        neighbour,
        "500.00",
        year=YEAR,
        issued_on=today - dt.timedelta(days=5),
        due_date=today + dt.timedelta(days=30),
    )
    other_org = billing_organization()
    twin = OwnerFactory(organization=other_org, national_id=owner.national_id, phone=PHONE)
    twin_bill = issue_for(
        twin,
        "700.00",
        year=YEAR,
        issued_on=today - dt.timedelta(days=5),
        due_date=today + dt.timedelta(days=30),
    )
    town = Town(org, owner, parcel, bill, late_bill, neighbour, neighbour_bill, other_org, twin, twin_bill)
    if with_assessment:
        town.assessment = assess(org, parcel, capture)
    return town


def assess(org: Organization, parcel: Parcel, capture) -> Assessment:
    """The year's real assessment run (THAI-RULES §1: commercial land and building, 0.3% on the first 50M)."""
    tax_year = TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    LandPrice.objects.create(organization=org, tax_year=tax_year, key=parcel.code, price_per_square_wah=10000)
    BuildingPrice.objects.create(
        organization=org, tax_year=tax_year, type_code="100", price_per_square_metre=8000
    )
    with capture(execute=True):
        assessment_run_start(actor=SYSTEM, organization=org, year=YEAR)
    return Assessment.objects.get(organization=org, year=YEAR, owner__phone=PHONE)


def signed_in_client(owner: Owner) -> Client:
    """A browser session signed in as the owner (the sign-in flow itself is tested in test_signin_*)."""
    client = Client()
    session = client.session
    session_sign_in(session, owner)
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def code_for(owner: Owner, *, ip: str = "10.0.0.1", now=None) -> tuple[signin.Issued, str]:
    issued = signin.sign_in_request(
        organization=owner.organization, tax_id=owner.national_id, ip_address=ip, now=now
    )
    return issued, issued.code
