from django_tasks import task

from muang.opendata.services import publications_refresh_due


@task()
def refresh_datasets() -> int:
    """Periodic: rebuild the files of every published dataset that its update frequency says is due."""
    return publications_refresh_due()
