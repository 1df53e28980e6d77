"""The penalty and surcharge percentages staff edit on a tax year are the ones a late bill of that year bears
(they used to be ignored: dues always took the Acts' defaults)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing.models import BillKind
from muang.billing.selectors import amount_due_of, arrears_report
from muang.billing.services.reconciliation import bank_statement_import
from muang.billing.tests.factories import billing_organization, issue, muang_csv, staff_actor
from muang.property.assessment.services import ruledata
from muang.property.assessment.services.valuation import tax_year_update
from muang.property.models import TaxYear
from muang.property.tests.factories import tax_year_fields

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 4, 30)
JUNE_15 = dt.date(2026, 6, 15)  # two months late (May, part of June)


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def admin(org):
    return staff_actor(org)


def edit_penalties(org, admin, year=2026):
    tax_year = TaxYear.objects.create(organization=org, year=year, **tax_year_fields(year))
    lb = ruledata.land_building_penalties_to_json(tax_year.land_building_penalty_rules())
    lb["penalty_before_warning_percent"] = "5"
    lb["surcharge"] = {"monthly_rate_percent": "0.5", "capped_at_tax": True}
    sign = ruledata.signboard_penalties_to_json(tax_year.signboard_penalty_rules())
    sign["late_payment"] = {"monthly_rate_percent": "1", "capped_at_tax": False}
    return tax_year_update(
        actor=admin,
        tax_year=tax_year,
        data={"land_building_penalties": lb, "signboard_penalties": sign},
        reason="ข้อบัญญัติใหม่",
    )


def test_a_late_land_and_building_bill_bears_its_tax_years_edited_rules(org, admin):
    bill = issue(org, "1000.00", due_date=DUE)
    before = amount_due_of(bill, JUNE_15)
    assert (before.penalty, before.surcharge) == (D("100.00"), D("20.00"))  # no tax year: the Act's 10%, 1%
    edit_penalties(org, admin)
    after = amount_due_of(bill, JUNE_15)
    assert (after.penalty, after.surcharge) == (D("50.00"), D("10.00"))  # 5%, 0.5% a month × 2


def test_a_late_signboard_bill_bears_its_tax_years_edited_surcharge(org, admin):
    edit_penalties(org, admin)
    bill = issue(org, "1000.00", kind=BillKind.SIGNBOARD_TAX, due_date=DUE)
    assert amount_due_of(bill, JUNE_15).surcharge == D("20.00")  # 1% a month, not the Act's 2%


def test_the_edited_rules_of_one_year_and_organisation_only(org, admin):
    edit_penalties(org, admin, year=2025)  # another year's edit
    other = billing_organization()
    edit_penalties(other, staff_actor(other))  # another organisation's edit
    bill = issue(org, "1000.00", due_date=DUE)
    due = amount_due_of(bill, JUNE_15)
    assert (due.penalty, due.surcharge) == (D("100.00"), D("20.00"))


def test_the_arrears_report_and_the_bank_statement_use_the_edited_rules(org, admin):
    edit_penalties(org, admin)
    bill = issue(org, "1000.00", due_date=DUE)
    (row,) = arrears_report(actor=admin, organization=org, as_of=JUNE_15).rows
    assert (row.penalty, row.surcharge, row.total) == (D("50.00"), D("10.00"), D("1060.00"))
    csv = muang_csv([("2026-06-15", "10:00", bill.number, bill.ref2, "1060.00", "T1")])
    bank_statement_import(actor=admin, organization=org, data=csv, filename="s.csv")
    bill.refresh_from_db()
    assert (bill.paid_principal, bill.paid_penalty, bill.paid_surcharge) == (
        D("1000.00"), D("50.00"), D("10.00")
    )  # fmt: skip
