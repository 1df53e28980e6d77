"""The dashboard's "home visits done against planned", the periodic planning of the month, and the demo's
visits (deterministic, plausible, loaded once)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from muang.care import kpis
from muang.care.demo import TODAY as DEMO_TODAY
from muang.care.demo import load_demo_care
from muang.care.demo_visits import load_demo_visits
from muang.care.models import CarePlan, Visit
from muang.care.services import assessment_record, care_plan_create, person_create
from muang.care.tests.helpers import ITEMS_BED, TODAY, carer, person_data
from muang.care.visit_selectors import visits_due
from muang.care.visits import visit_record, visits_plan_month
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_midnight

pytestmark = pytest.mark.django_db


def test_visits_done_against_planned(areas):
    from muang.core.tests.factories import OrganizationFactory

    org = OrganizationFactory()
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert kpis.visits_done_against_planned(organization=org, start=december[0], end=december[1]) is None
    nurse = carer(org)
    elder = person_create(actor=nurse, organization=org, today=TODAY, **person_data())
    assessment_record(actor=nurse, person=elder, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    care_plan_create(
        actor=nurse, person=elder, goals="x", care_manager_id=nurse.user.pk, caregivers=["CG"], today=TODAY
    )
    assert visits_plan_month(organization=org, month=december[0]) == 4
    now = bangkok_midnight(TODAY) + dt.timedelta(hours=9)
    visit_record(
        actor=nurse, organization=org, data={"client_uuid": str(uuid.uuid4()), "person_id": elder.pk}, now=now
    )
    assert kpis.visits_done_against_planned(organization=org, start=december[0], end=december[1]) == Decimal(
        "25.0"
    )
    # The first week alone: the one planned visit was done.
    assert kpis.visits_done_against_planned(
        organization=org, start=december[0], end=dt.date(2026, 12, 7)
    ) == Decimal("100.0")


@pytest.mark.django_db(transaction=False)
def test_the_demo_visits_are_plausible_and_loaded_once(areas):
    from muang.core.demo import load_demo

    load_demo()
    load_demo_care()
    planned = load_demo_visits()
    assert planned > 0 and load_demo_visits() == 0
    chumphae = Organization.objects.get(slug="chumphae")
    plans = CarePlan.objects.filter(organization=chumphae)
    visits = Visit.objects.filter(organization=chumphae)
    # Every plan planned for October to December by its visits a month.
    assert visits.count() == sum(3 * p.visits_per_month for p in plans)
    november = kpis.visits_done_against_planned(
        organization=chumphae, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    assert Decimal(80) < november < Decimal(95)
    done = visits.filter(done_at__isnull=False)
    assert all(v.bp_diastolic < v.bp_systolic for v in done[:500])
    # The missed ones are the round's overdue.
    from muang.core.access import SYSTEM

    due = visits_due(actor=SYSTEM, organization=chumphae, today=DEMO_TODAY)
    assert any(d.overdue for d in due)


def test_the_periodic_task_plans_this_month_once(areas):
    from django.utils import timezone

    from muang.care.tasks import plan_visits_this_month
    from muang.core.tests.factories import OrganizationFactory
    from muang.core.thai_dates import bangkok_date

    today = bangkok_date(timezone.now())
    org = OrganizationFactory()
    nurse = carer(org)
    elder = person_create(actor=nurse, organization=org, today=today, **person_data())
    assessment_record(actor=nurse, person=elder, assessed_on=today, items=ITEMS_BED, today=today)
    care_plan_create(
        actor=nurse, person=elder, goals="x", care_manager_id=nurse.user.pk, caregivers=["CG"], today=today
    )
    assert plan_visits_this_month.call() == 4
    assert plan_visits_this_month.call() == 0
    assert {v.planned_on.month for v in Visit.objects.all()} == {today.month}
