"""Background jobs of the care register (django-tasks; run by `manage.py muang_worker`)."""

from django.utils import timezone
from django_tasks import task

from muang.care.models import CarePlan, CarePlanStatus
from muang.care.services import allowances
from muang.care.visits import visits_plan_month
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_date


@task()
def allowance_run_execute(run_id: int) -> int:
    """Compute a queued allowance payment run; returns the number of lines written."""
    return allowances.run_execute(run_id=run_id).lines_count


@task()
def plan_visits_this_month() -> int:
    """Plan this month's home visits of every organisation's active care plans (planning again plans nothing
    more, so every worker may run it); returns how many visits were planned."""
    month = bangkok_date(timezone.now()).replace(day=1)
    org_ids = CarePlan.objects.filter(status=CarePlanStatus.ACTIVE).values("organization_id").distinct()
    return sum(
        visits_plan_month(organization=organization, month=month)
        for organization in Organization.objects.filter(pk__in=org_ids, is_active=True)
    )
