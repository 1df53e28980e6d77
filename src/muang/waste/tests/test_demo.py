import datetime as dt

import pytest

from muang.billing.models import Bill, BillKind, Payment
from muang.billing.tests.factories import billing_organization
from muang.core.access import SYSTEM
from muang.core.models import Duty
from muang.core.tests.factories import DepartmentFactory
from muang.property.tests.factories import BuildingFactory, ParcelFactory, inside, square
from muang.waste.demo import demo_amounts, load_demo_waste_for
from muang.waste.models import Account, Route
from muang.waste.selectors import arrears_by_account

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def test_the_demo_gives_households_a_year_of_bills_payments_and_some_arrears_once(areas):
    org = billing_organization()
    DepartmentFactory(organization=org, code="health-env", duties=[Duty.PUBLIC_HEALTH])
    for n in range(12):
        parcel = ParcelFactory(organization=org, geometry=square(inside(org, 100 + n)))
        BuildingFactory(parcel=parcel, house_number=f"{n + 1}/1")
    assert load_demo_waste_for(org, accounts=10, today=TODAY)
    assert not load_demo_waste_for(org, accounts=10, today=TODAY)
    accounts = list(Account.objects.filter(organization=org))
    assert len(accounts) == 10 and all(a.parcel_code and a.building_id for a in accounts)
    months = {b.source_ref.split(":")[2].split(".")[0] for b in Bill.objects.filter(kind=BillKind.WASTE_FEE)}
    assert len(months) == 12 and min(months) == "202512" and max(months) == "202611"
    assert Payment.objects.filter(bill__kind=BillKind.WASTE_FEE).count() > 60
    amounts = demo_amounts(org)
    assert 0 < amounts["paid"] < amounts["billed"]
    assert arrears_by_account(actor=SYSTEM, organization=org, as_of=TODAY)
    assert Route.objects.filter(organization=org).count() == 2
