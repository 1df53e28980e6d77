"""Background jobs of the property domain (django-tasks)."""

from django_tasks import task

from muang.property.services import assessment


@task()
def assessment_run_execute(run_id: int) -> int:
    """Compute a queued assessment run; returns the number of taxpayers assessed."""
    return assessment.assessment_run_execute(run_id=run_id).assessments_count
