import datetime as dt
from decimal import Decimal

import pytest

from muang.care import kpis
from muang.care.demo import load_demo_care
from muang.care.models import Assessment, CarePlan, Person
from muang.care.services import assessment_record, care_plan_create, person_create
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, carer, person_data
from muang.core.models import Department, Duty, Organization

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 11, 1), dt.date(2026, 12, 5)


def test_people_per_group_and_the_dependent_with_a_plan(areas):
    from muang.core.tests.factories import OrganizationFactory

    org = OrganizationFactory()
    assert kpis.bed_bound(organization=org, start=START, end=END) is None
    actor = carer(org)
    people = [
        person_create(actor=actor, organization=org, today=TODAY, **person_data(n)) for n in range(1, 4)
    ]
    for person, items in zip(people, (ITEMS_BED, ITEMS_BED, ITEMS_SOCIAL), strict=True):
        assessment_record(actor=actor, person=person, assessed_on=TODAY, items=items, today=TODAY)
    care_plan_create(
        actor=actor,
        person=people[0],
        goals="x",
        care_manager_id=actor.user.pk,
        caregivers=["CG"],
        today=TODAY,
    )
    assert kpis.bed_bound(organization=org, start=START, end=END) == 2
    assert kpis.socially_active(organization=org, start=START, end=END) == 1
    assert kpis.home_bound(organization=org, start=START, end=END) == 0
    assert kpis.dependent_with_plan(organization=org, start=START, end=END) == Decimal("50.0")


def test_the_counts_are_one_statement_per_organisation(areas, django_assert_num_queries):
    """What the district sees (care.counts): per group, per programme, the dependent with a plan."""
    from muang.care.selectors import counts
    from muang.care.services import enrolment_create, person_death_record
    from muang.core.tests.factories import OrganizationFactory

    org, other = OrganizationFactory(), OrganizationFactory()
    actor = carer(org)
    people = [
        person_create(actor=actor, organization=org, today=TODAY, **person_data(n)) for n in range(1, 6)
    ]
    person_create(actor=carer(other), organization=other, today=TODAY, **person_data(9))
    for person, items in zip(people, (ITEMS_BED, ITEMS_BED, ITEMS_SOCIAL, ITEMS_BED), strict=False):
        assessment_record(actor=actor, person=person, assessed_on=TODAY, items=items, today=TODAY)
    for person in people[:3]:
        enrolment_create(actor=actor, person=person, programme="elderly", started_on=TODAY)
    enrolment_create(actor=actor, person=people[0], programme="ltc", started_on=TODAY)
    care_plan_create(
        actor=actor,
        person=people[0],
        goals="x",
        care_manager_id=actor.user.pk,
        caregivers=["CG"],
        today=TODAY,
    )
    person_death_record(
        actor=actor, person=people[3], died_on=TODAY, today=TODAY
    )  # bed-bound, died: not counted
    with django_assert_num_queries(1):
        got = counts(actor=actor, organization=org, today=TODAY)
    assert got.people == 4  # the fifth has no ADL score yet and counts among the people
    assert got.by_group == {"social": 1, "home": 0, "bed": 2}
    assert got.by_programme == {"elderly": 3, "disability": 0, "ltc": 1}
    assert (got.dependent, got.dependent_with_plan) == (2, 1)


@pytest.mark.django_db(transaction=False)
def test_the_demo_is_deterministic_plausible_and_loaded_once(areas):
    from muang.core.demo import load_demo

    load_demo()
    assert load_demo_care() == 3600
    assert load_demo_care() == 0
    chumphae = Organization.objects.get(slug="chumphae")
    assert Duty.CARE in Department.objects.get(organization=chumphae, code="health-env").duties
    people = Person.objects.filter(organization=chumphae)
    assert people.count() == 1500
    groups = {g: people.filter(adl_group=g).count() for g in ("social", "home", "bed")}
    assert groups["social"] > groups["home"] + groups["bed"] > 0
    assert CarePlan.objects.filter(organization=chumphae).count() == groups["home"] + groups["bed"]
    assert Assessment.objects.filter(organization=chumphae).count() > 1500
    # Deterministic: the same seed gives the same first person.
    first = people.order_by("pk").first()
    assert (first.national_id, first.full_name) == ("1405736467857", "คำแปง บุญมา")
