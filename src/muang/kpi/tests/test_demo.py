"""The demo figures: a year of snapshots, imported figures and targets, once."""

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.kpi.demo import load_demo_kpis
from muang.kpi.models import Publication, Snapshot, Source, Target

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_year_once(areas):
    org = OrganizationFactory(slug="chumphae")
    assert load_demo_kpis() > 0
    months = set(Snapshot.objects.filter(organization=org).values_list("month", flat=True))
    assert len(months) == 12
    assert Snapshot.objects.filter(organization=org, origin=Source.CSV).count() == 12 * 7
    assert Target.objects.filter(organization=org).exists()
    assert Publication.objects.get(organization=org).is_public
    assert load_demo_kpis() == 0
