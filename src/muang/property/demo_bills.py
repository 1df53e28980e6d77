"""Demo bills: each demo organisation's land-and-building tax bills (ภ.ด.ส.6) from its assessment run and its
signboard bills (ภ.ป.3), issued through the same services as the tax office's "issue bills" button, on the
dates a tax office would (notices in February, signboard notices in April). Runs after `load_demo_property`
and before the billing payments demo (`muang.billing.demo.load_demo_billing_payments`), so the tax map, the
billing pages and the arrears report have paid, partly paid and overdue bills to show.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from muang.billing.models import Bill, BillingProfile, BillKind
from muang.core.access import SYSTEM
from muang.core.models import Organization
from muang.property.assessment.selectors import current_run
from muang.property.assessment.services.billing_run import assessment_bills_issue, signboard_bills_issue
from muang.property.demo import DEMO_ORGS

logger = logging.getLogger(__name__)

# Demo biller IDs: the tax ID of the published Thai QR bill-payment example + a 2-digit suffix per organisation.
DEMO_BILLER_TAX_ID = "0994000165501"


def _profile(organization: Organization, index: int) -> BillingProfile:
    profile, _created = BillingProfile.objects.get_or_create(
        organization=organization,
        defaults={
            "biller_id": f"{DEMO_BILLER_TAX_ID}{index:02d}",
            "receipt_prefix": organization.slug[:2].upper(),
            "signatory_name": f"นายก{organization.name_th}",
            "signatory_title": "นายกเทศมนตรี"
            if "เทศบาล" in organization.name_th
            else "นายกองค์การบริหารส่วนตำบล",
            "payment_places": f"งานพัฒนาและจัดเก็บรายได้ กองคลัง {organization.name_th}",
        },
    )
    return profile


def _on_or_before_today(day: dt.date) -> dt.date:
    return min(day, timezone.localdate())


def load_demo_bills(slugs: tuple[str, ...] = DEMO_ORGS) -> int:
    """Issue the year's demo bills once per organisation; returns how many bills were issued."""
    year = timezone.localdate().year
    issued = 0
    for organization in Organization.objects.filter(slug__in=slugs).order_by("slug"):
        run = current_run(organization=organization, year=year)
        if run is None:
            continue
        kinds = (BillKind.LAND_BUILDING_TAX, BillKind.SIGNBOARD_TAX)
        if Bill.objects.filter(organization=organization, year=year, kind__in=kinds).exists():
            continue
        with transaction.atomic():
            _profile(
                organization, 0 if organization.slug == "nonsaat" else DEMO_ORGS.index(organization.slug) + 1
            )
            land = assessment_bills_issue(
                actor=SYSTEM, run=run, issued_on=_on_or_before_today(dt.date(year, 2, 15))
            )
            signs = signboard_bills_issue(
                actor=SYSTEM,
                organization=organization,
                year=year,
                issued_on=_on_or_before_today(dt.date(year, 4, 20)),
            )
        issued += land.issued + signs.issued
        logger.info(
            "demo bills of %s: %s land and building, %s signboard",
            organization.slug,
            land.issued,
            signs.issued,
        )
    return issued
