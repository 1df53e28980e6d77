import pytest
from django.test import Client

from muang.billing.tests.factories import billing_organization, revenue_member
from muang.core.models import Role
from muang.core.tests.factories import member


@pytest.fixture
def org(areas):
    return billing_organization()


@pytest.fixture
def cashier(org):
    """An officer of the revenue department: reads bills, takes payments, reconciles; may not issue."""
    return revenue_member(org)


@pytest.fixture
def head(org):
    """The revenue department's head: everything the counter does, plus issuing, cancelling, adjusting."""
    return revenue_member(org, Role.DEPARTMENT_HEAD)


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def other_officer(org):
    """An officer of the organisation outside the revenue department: no billing rights."""
    return member(org, Role.OFFICER)
