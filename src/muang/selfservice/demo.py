"""A demo taxpayer of เทศบาลตำบลโนนสะอาด for the self-service pages: a shophouse on its land, the year's real
assessment run, and the resulting bill in three instalments.

Sign in at /my-tax/nonsaat/ with the national ID below; with MUANG_DEBUG=1 and no SMS gateway configured, the
one-time code is printed in the console log. Idempotent; it leaves alone whatever other demos created (billing
profile, tax year, bills of the same owner) and only adds what is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils import timezone

from muang.billing.models import Bill, BillingProfile, BillKind
from muang.billing.services.bills import LineDraft, Payer, bill_issue
from muang.core import geo
from muang.core.access import SYSTEM
from muang.core.errors import Conflict
from muang.core.models import Organization
from muang.property.assessment.services import ruledata
from muang.property.assessment.services.assessment import assessment_run_execute, assessment_run_start
from muang.property.models import (
    Assessment,
    Building,
    BuildingPrice,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    TaxYear,
)
from muang.property.registry import sources

logger = logging.getLogger("muang.selfservice")

DEMO_ORG = "nonsaat"
DEMO_NATIONAL_ID = "3400500123455"  # valid check digit; not a real person's
DEMO_PHONE = "0812345678"
PARCEL_CODE = "09Z001"
DEMO_BILLER_ID = "099400016550100"  # the published Thai QR bill-payment example biller


def load_demo_taxpayer() -> str | None:
    organization = Organization.objects.filter(slug=DEMO_ORG).first()
    if (
        organization is None
        or Owner.objects.filter(organization=organization, national_id=DEMO_NATIONAL_ID).exists()
    ):
        return None
    year = timezone.localdate().year
    with transaction.atomic():
        _billing_profile(organization)
        owner = Owner.objects.create(
            organization=organization,
            kind=Owner.Kind.INDIVIDUAL,
            national_id=DEMO_NATIONAL_ID,
            title="นาง",
            name="สมหญิง",
            last_name="รักเมือง",
            address="99 หมู่ 1 ตำบลโนนสะอาด อำเภอชุมแพ จังหวัดขอนแก่น 40130",
            phone=DEMO_PHONE,
        )
        parcel = _parcel(organization)
        building = Building.objects.create(
            organization=organization,
            parcel=parcel,
            number=1,
            house_number="99",
            type_code="400",
            construction="masonry",
            floor_area_m2=Decimal("160.00"),
            year_built=2012,
            storeys=2,
            use="other",
            share_other=Decimal(100),
        )
        since = dt.date(year - 6, 3, 1)
        for target in ({"parcel": parcel}, {"building": building}):
            Ownership.objects.create(organization=organization, owner=owner, valid_from=since, **target)
        tax_year, _created = TaxYear.objects.get_or_create(
            organization=organization, year=year, defaults=ruledata.seed_fields(year)
        )
        LandPrice.objects.get_or_create(
            organization=organization,
            tax_year=tax_year,
            key=PARCEL_CODE,
            defaults={"price_per_square_wah": 25000},
        )
        BuildingPrice.objects.get_or_create(
            organization=organization,
            tax_year=tax_year,
            type_code="400",
            defaults={"description": "ตึกแถว", "price_per_square_metre": Decimal("8000")},
        )
    assessment = _assess(organization, owner, year)
    if assessment is not None and assessment.total_tax > 0:
        _bill(organization, owner, year, assessment.total_tax)
    return f"taxpayer {DEMO_NATIONAL_ID} at /my-tax/{DEMO_ORG}/"


def _billing_profile(organization: Organization) -> BillingProfile:
    profile, _created = BillingProfile.objects.get_or_create(
        organization=organization,
        defaults={
            "biller_id": DEMO_BILLER_ID,
            "receipt_prefix": "NS",
            "signatory_name": "นายกเทศมนตรีตำบลโนนสะอาด",
            "signatory_title": "นายกเทศมนตรี",
            "payment_places": "งานพัฒนาและจัดเก็บรายได้ กองคลัง เทศบาลตำบลโนนสะอาด",
        },
    )
    return profile


def _parcel(organization: Organization) -> Parcel:
    c = organization.boundary.point_on_surface
    h = 0.0002
    geometry = MultiPolygon(geo.bbox_polygon((c.x - h, c.y - h, c.x + h, c.y + h)), srid=geo.SRID)
    return Parcel.objects.create(
        organization=organization,
        code=PARCEL_CODE,
        deed_number="12345",
        area_rai=1,
        area_ngan=0,
        area_wah=Decimal(0),
        area_square_wah=Decimal(400),
        area_square_metres=Decimal(1600),
        geometry=geometry,
        location=geometry.point_on_surface,
        use="other",
        share_other=Decimal(100),
        survey_status=Parcel.SurveyStatus.SURVEYED,
        address="99 หมู่ 1 ตำบลโนนสะอาด",
    )


def _assess(organization: Organization, owner: Owner, year: int) -> Assessment | None:
    """The year's run, computed here so the demo is complete at once; the queued task then finds it done and
    skips it. A run of another demo still in progress is left alone."""
    try:
        run = assessment_run_start(actor=SYSTEM, organization=organization, year=year)
    except Conflict:
        logger.warning(
            "an assessment run of %s %s is in progress: the demo taxpayer is assessed by it",
            organization,
            year,
        )
        return None
    assessment_run_execute(run_id=run.pk)
    return Assessment.objects.filter(organization=organization, owner=owner, run=run).first()


def _bill(organization: Organization, owner: Owner, year: int, tax: Decimal) -> None:
    source_ref = str(sources.OWNER.ref(owner.pk))
    if Bill.objects.filter(
        organization=organization,
        kind=BillKind.LAND_BUILDING_TAX,
        year=year,
        source_ref=source_ref,
        cancelled_at=None,
    ).exists():
        return
    today = timezone.localdate()
    bill_issue(
        actor=SYSTEM,
        organization=organization,
        kind=BillKind.LAND_BUILDING_TAX,
        year=year,
        payer=Payer(name=owner.display_name, tax_id=owner.national_id, address=owner.address),
        lines=[
            LineDraft(description=f"ที่ดินและสิ่งปลูกสร้าง แปลง {PARCEL_CODE}", amount=tax, source_ref=source_ref)
        ],
        due_date=today + dt.timedelta(days=30),
        issued_on=today - dt.timedelta(days=3),
        instalments=True,
        instalment_due_dates=[
            today + dt.timedelta(days=30),
            today + dt.timedelta(days=60),
            today + dt.timedelta(days=90),
        ],
        source_ref=source_ref,
    )


def login_lines(url: str) -> list[str]:
    """What `make run` prints about the demo taxpayer, when loaded (the one-time code goes to the web log)."""
    from django.conf import settings

    if not Owner.objects.filter(organization__slug=DEMO_ORG, national_id=DEMO_NATIONAL_ID).exists():
        return []
    code_goes = "the web log (.data/log/web.log)" if settings.MUANG_SMS_CONSOLE else "the phone on file"
    return [
        f"\nTaxpayer self-service: {url}my-tax/{DEMO_ORG}/  national ID {DEMO_NATIONAL_ID}",
        f"  the one-time sign-in code goes to {code_goes}",
    ]
