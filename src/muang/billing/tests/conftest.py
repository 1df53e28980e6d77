import pytest

from muang.billing.tests.factories import billing_organization, staff_actor


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def admin(org):
    return staff_actor(org)
