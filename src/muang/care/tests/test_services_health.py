import datetime as dt
from decimal import Decimal

import pytest

from muang.care.models import Assessment, CarePlan, Spending
from muang.care.services import assessment_record, care_plan_create, person_create, spending_record
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, carer, person_data
from muang.core.errors import InvalidInput
from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    return OrganizationFactory()


@pytest.fixture
def actor(org):
    return carer(org)


@pytest.fixture
def person(org, actor):
    return person_create(actor=actor, organization=org, today=TODAY, **person_data())


def test_the_group_follows_the_latest_assessment_and_history_is_kept(actor, person):
    assessment_record(
        actor=actor, person=person, assessed_on=dt.date(2026, 6, 1), items=ITEMS_SOCIAL, today=TODAY
    )
    assert person.adl_group == "social"
    a = assessment_record(
        actor=actor, person=person, assessed_on=dt.date(2026, 12, 1), items=ITEMS_BED, today=TODAY
    )
    assert (a.total, a.group) == (4, "bed")
    person.refresh_from_db()
    assert person.adl_group == "bed"
    # An older assessment entered late does not move the group.
    assessment_record(
        actor=actor, person=person, assessed_on=dt.date(2025, 1, 1), items=ITEMS_SOCIAL, today=TODAY
    )
    person.refresh_from_db()
    assert person.adl_group == "bed"
    assert list(person.assessments.order_by("assessed_on").values_list("total", flat=True)) == [19, 19, 4]


def test_an_item_out_of_range_is_refused_naming_the_item_and_nothing_is_written(actor, person):
    with pytest.raises(InvalidInput) as e:
        assessment_record(
            actor=actor, person=person, assessed_on=TODAY, items=ITEMS_BED | {"transfer": 4}, today=TODAY
        )
    assert list(e.value.field_errors) == ["transfer"]
    with pytest.raises(InvalidInput) as e:
        assessment_record(
            actor=actor, person=person, assessed_on=TODAY + dt.timedelta(days=1), items=ITEMS_BED, today=TODAY
        )
    assert list(e.value.field_errors) == ["assessed_on"]
    assert not Assessment.objects.exists()


def test_a_care_plan_for_the_dependent_with_the_years_rate_and_spending_within_it(org, actor, person):
    manager = actor.user
    with pytest.raises(InvalidInput) as e:  # not assessed yet: not known to be dependent
        care_plan_create(
            actor=actor, person=person, goals="x", care_manager_id=manager.pk, caregivers=["CG"], today=TODAY
        )
    assert "person" in e.value.field_errors
    assessment_record(actor=actor, person=person, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    plan = care_plan_create(
        actor=actor,
        person=person,
        goals="ป้องกันแผลกดทับ",
        care_manager_id=manager.pk,
        caregivers=["CG สมใจ"],
        today=TODAY,
    )
    # December 2026 is in fiscal year 2570; the fund's rate is data (10,442 from 2567).
    assert (plan.fiscal_year, plan.budget, plan.visits_per_month, plan.group) == (
        2570,
        Decimal("10442.00"),
        4,
        "bed",
    )
    with pytest.raises(InvalidInput) as e:
        care_plan_create(
            actor=actor, person=person, goals="x", care_manager_id=manager.pk, caregivers=["CG"], today=TODAY
        )
    assert "fiscal_year" in e.value.field_errors
    spending_record(actor=actor, plan=plan, spent_on=TODAY, amount=Decimal("10000.00"), description="ที่นอนลม")
    with pytest.raises(InvalidInput) as e:
        spending_record(
            actor=actor, plan=plan, spent_on=TODAY, amount=Decimal("500.00"), description="แผ่นรอง"
        )
    assert "amount" in e.value.field_errors
    assert Spending.objects.count() == 1


def test_the_care_manager_must_hold_the_care_duty_and_a_year_needs_a_rate(org, actor, person):
    assessment_record(actor=actor, person=person, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    outsider = member(org, Role.OFFICER)
    with pytest.raises(InvalidInput) as e:
        care_plan_create(
            actor=actor,
            person=person,
            goals="x",
            care_manager_id=outsider.pk,
            caregivers=[""],
            today=TODAY,
            fiscal_year_be=2590,
        )
    assert {"care_manager_id", "caregivers", "fiscal_year"} <= set(e.value.field_errors)
    assert not CarePlan.objects.exists()
