"""The demo's allowances: rights for the demo register, two months run by the real payment run and paid by the
10th; loaded once."""

from decimal import Decimal

import pytest

from muang.care.allowance_demo import load_demo_allowances
from muang.care.demo import load_demo_care
from muang.care.kpis import allowances_paid_on_time
from muang.care.models import AllowanceLine, AllowanceRight, AllowanceRun
from muang.care.tests.allowance_helpers import DECEMBER
from muang.core.models import Organization

pytestmark = pytest.mark.django_db


def test_two_paid_months_for_the_demo_organisations(areas):
    from muang.core.demo import load_demo

    load_demo()
    load_demo_care()
    created = load_demo_allowances()
    assert created == AllowanceRight.objects.count() > 1000
    assert load_demo_allowances() == 0
    chumphae = Organization.objects.get(slug="chumphae")
    runs = list(AllowanceRun.objects.filter(organization=chumphae).order_by("month"))
    assert [(r.month.month, r.status, r.paid_on.day) for r in runs] == [(10, "paid", 8), (11, "paid", 9)]
    assert all(r.paid_count > 100 and r.total > 0 for r in runs)
    amounts = set(
        AllowanceLine.objects.filter(run=runs[1], line_type="payment").values_list("amount", flat=True)
    )
    assert {Decimal("600.00"), Decimal("700.00"), Decimal("800.00")} <= amounts
    assert allowances_paid_on_time(organization=chumphae, start=runs[0].month, end=DECEMBER) == Decimal(
        "100.0"
    )
