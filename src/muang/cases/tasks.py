"""Background jobs of the case engine (django-tasks). A periodic runner enqueues `escalate_overdue_cases`."""

from django_tasks import task

from muang.cases.services import case_escalate_overdue


@task()
def escalate_overdue_cases(limit: int = 500) -> int:
    """Escalate open cases past their due time; returns how many were escalated in this run."""
    return len(case_escalate_overdue(limit=limit))
