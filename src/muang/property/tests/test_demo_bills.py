"""The whole demo (`manage.py load_demo`): every demo organisation's tax map is billed as a tax office would,
some bills are paid at the counter and some by a bank file, others are overdue, and the self-service taxpayer
has a bill of their own to pay; loading again changes nothing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from muang.billing.models import Bill, BillKind, BillStatus, Payment, PaymentChannel
from muang.core.models import Organization
from muang.property.demo import DEMO_ORGS
from muang.selfservice import demo as taxpayer_demo

pytestmark = pytest.mark.django_db


def test_the_demo_bills_every_organisation_and_pays_some(areas, settings):
    settings.MUANG_DEMO_REPORTS = 20
    call_command("load_demo", verbosity=0)
    year = timezone.localdate().year
    today = timezone.localdate()
    for organization in Organization.objects.filter(slug__in=DEMO_ORGS):
        bills = Bill.objects.filter(organization=organization, year=year, cancelled_at=None)
        land = bills.filter(kind=BillKind.LAND_BUILDING_TAX)
        assert land.count() > 10, organization.slug
        assert bills.filter(kind=BillKind.SIGNBOARD_TAX).exists(), organization.slug
        assert land.filter(issued_on__lte=dt.date(year, 2, 15)).exists() or today < dt.date(year, 2, 15)
        statuses = set(bills.values_list("status", flat=True))
        assert {BillStatus.PAID, BillStatus.OPEN} <= statuses, organization.slug
        payments = Payment.objects.filter(organization=organization)
        assert payments.filter(channel=PaymentChannel.BANK).exists(), "some paid through the bank file"
        assert payments.exclude(channel=PaymentChannel.BANK).exists(), "some at the counter"
        assert bills.filter(status=BillStatus.OPEN, due_date__lt=today).exists() or today <= dt.date(
            year, 4, 30
        )
    mine = Bill.objects.get(
        organization__slug=taxpayer_demo.DEMO_ORG,
        payer_tax_id=taxpayer_demo.DEMO_NATIONAL_ID,
        cancelled_at=None,
    )
    assert mine.status == BillStatus.OPEN and mine.has_instalments, "left for the citizen to pay"

    counts = (Bill.objects.count(), Payment.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Bill.objects.count(), Payment.objects.count()) == counts
