"""The snapshot measures many organisations through the sources' bulk selectors (issue 15, speed): one query per
source per batch of organisations, not one per organisation, and the same figures as the one-organisation
selectors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from muang.cases.services import case_change_status
from muang.cases.tests.factories import submit_case
from muang.core import registry
from muang.core.tests.factories import OrganizationFactory
from muang.kpi import periods, services
from muang.kpi.models import Snapshot
from muang.kpi.tests.conftest import FEB_5, JAN

pytestmark = pytest.mark.django_db


def _queries(organizations) -> int:
    """The queries measuring (and writing) the month's computed figures of `organizations`."""
    with CaptureQueriesContext(connection) as ctx:
        services._measure_organizations(JAN, organizations)
    return len(ctx.captured_queries)


def test_every_source_has_a_bulk_form_that_agrees_with_its_selector(town):
    day = FEB_5.replace(month=1, day=12)
    case = submit_case(town.category, now=day)
    case_change_status(actor=town.admin, case=case, status="resolved", now=day.replace(hour=15))
    quiet = OrganizationFactory()
    end = periods.month_last_day(JAN)
    for source in registry.kpi_sources():
        assert source.bulk, (
            f"{source.code} has no bulk selector: the snapshot would measure it per organisation"
        )
        bulk = import_string(source.bulk)(organization_ids=[town.org.pk, quiet.pk], start=JAN, end=end)
        selector = import_string(source.selector)
        for org in (town.org, quiet):
            assert bulk.get(org.pk) == selector(organization=org, start=JAN, end=end), (source.code, org)


def test_the_snapshot_queries_do_not_grow_with_the_organisations(areas):
    few = [OrganizationFactory() for _ in range(2)]
    many = [OrganizationFactory() for _ in range(8)]
    assert _queries(few) == _queries(many)
    assert Snapshot.objects.filter(month=JAN).values("organization").distinct().count() == 10
