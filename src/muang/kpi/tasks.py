from django_tasks import task

from muang.kpi import services


@task()
def snapshot_closed_month() -> dict | None:
    """Periodic: snapshot the computed indicators of the month that is over, once a day (what is missing)."""
    return services.snapshot_closed_month()
