"""The demo figures: a year of snapshots, imported figures and targets, once."""

import pytest

from muang.core.tests.factories import OrganizationFactory
from muang.kpi.demo import load_demo_kpis
from muang.kpi.models import Publication, School, SchoolValue, Snapshot, Source, Target

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_year_once(areas):
    org = OrganizationFactory(slug="chumphae")
    assert load_demo_kpis() > 0
    months = set(Snapshot.objects.filter(organization=org).values_list("month", flat=True))
    assert len(months) == 12
    assert Snapshot.objects.filter(organization=org, origin=Source.CSV).count() == 12 * 9
    assert Target.objects.filter(organization=org).exists()
    assert Publication.objects.get(organization=org).is_public
    # Three schools, each with a year of its two education figures (the school page's demo).
    schools = list(School.objects.filter(organization=org))
    assert len(schools) == 3 and all(len(s.code) == 10 and s.code.isdigit() for s in schools)
    assert SchoolValue.objects.filter(organization=org).count() == 3 * 2 * 12
    assert set(SchoolValue.objects.values_list("indicator__code", flat=True)) == {
        "education.students_per_teacher",
        "education.attendance",
    }
    assert load_demo_kpis() == 0
    assert School.objects.count() == 3 and SchoolValue.objects.count() == 3 * 2 * 12


def test_a_demo_loaded_before_there_were_schools_gets_them_once(areas):
    org = OrganizationFactory(slug="chumphae")
    load_demo_kpis()
    SchoolValue.objects.all().delete()
    School.objects.all().delete()  # as a demo loaded before schools existed
    assert load_demo_kpis() == 3 * 2 * 12
    assert School.objects.filter(organization=org).count() == 3
    assert load_demo_kpis() == 0
