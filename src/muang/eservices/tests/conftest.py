import datetime as dt

import pytest

from muang.billing.tests.factories import billing_organization
from muang.core.access import SYSTEM, Actor
from muang.core.models import Duty, Role
from muang.core.tests.factories import DepartmentFactory, member
from muang.eservices.models import Service
from muang.eservices.services import catalogue_entries, catalogue_load

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok


@pytest.fixture
def org(areas):
    org = billing_organization()
    DepartmentFactory(organization=org, code="health", duties=[Duty.PUBLIC_HEALTH])
    catalogue_load(actor=SYSTEM, organization=org, entries=catalogue_entries())
    return org


@pytest.fixture
def food(org):
    return Service.objects.get(organization=org, code="food-premises-licence")


@pytest.fixture
def officer(org):
    return Actor(user=member(org, Role.OFFICER, department=org.departments.get(code="health")))


@pytest.fixture
def head(org):
    return Actor(user=member(org, Role.DEPARTMENT_HEAD, department=org.departments.get(code="health")))
