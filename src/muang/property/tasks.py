"""Background jobs of the property domain (django-tasks)."""

from django_tasks import task

from muang.property.assessment.services import assessment


@task()
def assessment_run_execute(run_id: int) -> int:
    """Compute a queued assessment run; returns the number of taxpayers assessed."""
    return assessment.assessment_run_execute(run_id=run_id).assessments_count


@task()
def fail_stale_assessment_runs() -> int:
    """Periodic: mark runs stuck after a worker crash failed, so their year can be run again; returns how
    many. Safe to repeat and to run on several workers at once (each run is locked and re-checked). Then drops
    the results tables no run needs any more (`assessment_results_sweep`)."""
    marked = len(assessment.assessment_runs_fail_stale())
    assessment.assessment_results_sweep()
    return marked
