"""Background jobs of the core domain (django-tasks; run by `manage.py muang_worker`)."""

from django_tasks import task

from muang.core import outbox


@task()
def deliver_notifications() -> dict:
    return dict(outbox.deliver_due())
