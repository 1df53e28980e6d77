"""The outbox asks the worker to deliver: with the database queue, the task's row is written inside the caller's
transaction (one commit for both, none without the other); with a backend that runs the task at once, after the
commit (nothing sent for a transaction rolled back)."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from muang.core import outbox
from muang.core.models import Notification
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class _RolledBack(Exception):
    pass


def _enqueue(org) -> Notification:
    return outbox.notification_enqueue(
        organization=org,
        channel=Notification.Channel.SMS,
        recipient="0812345678",
        messages=[{"type": "text", "text": "เรื่องของท่านได้รับการแก้ไขแล้ว"}],
    )


def test_the_database_queue_gets_its_task_inside_the_transaction(areas, settings):
    settings.TASKS = DATABASE_QUEUE
    org = OrganizationFactory()
    with transaction.atomic():
        _enqueue(org)
        assert DBTaskResult.objects.filter(task_path="muang.core.tasks.deliver_notifications").count() == 1
        assert transaction.get_connection().run_on_commit == []  # nothing left for after the commit
    assert Notification.objects.filter(organization=org).count() == 1
    assert DBTaskResult.objects.filter(task_path="muang.core.tasks.deliver_notifications").count() == 1


def test_a_rolled_back_transaction_leaves_neither_the_notification_nor_the_task(areas, settings):
    settings.TASKS = DATABASE_QUEUE
    org = OrganizationFactory()
    with pytest.raises(_RolledBack), transaction.atomic():
        _enqueue(org)
        raise _RolledBack
    assert not Notification.objects.filter(organization=org).exists()
    assert not DBTaskResult.objects.exists()


def test_a_backend_that_runs_at_once_runs_after_the_commit(areas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    org = OrganizationFactory()
    with transaction.atomic():
        n = _enqueue(org)
        assert len(transaction.get_connection().run_on_commit) == 1
        n.refresh_from_db()
        assert n.attempts == 0  # not tried before the commit
    n.refresh_from_db()
    assert (
        n.attempts == 1 and n.status == Notification.Status.DEAD
    )  # tried once committed: no SMS gateway here
