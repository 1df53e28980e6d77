"""Fixtures shared by the assessment-run tests (test files of other resources define their own `org`, which
takes precedence there)."""

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.property.models import TaxYear
from muang.property.tests.factories import actor_for, tax_year_fields

YEAR = 2025


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def admin(org):
    return actor_for(org)


@pytest.fixture
def tax_year(org):
    return TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
