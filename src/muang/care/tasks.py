"""Background jobs of the care domain (django-tasks; run by `manage.py muang_worker`)."""

from django_tasks import task

from muang.care.services import allowances


@task()
def allowance_run_execute(run_id: int) -> int:
    """Compute a queued allowance payment run; returns the number of lines written."""
    return allowances.run_execute(run_id=run_id).lines_count
