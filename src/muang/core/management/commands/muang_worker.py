"""The background worker: django-tasks-db's db_worker, a heartbeat that /readyz checks, and periodic tasks."""

import os
import socket
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from muang.core import registry
from muang.core.contract import PeriodicTask
from muang.core.models import WorkerHeartbeat
from muang.core.process import settle


def _enqueue_periodic(last_run: dict[str, float], tasks: Iterable[PeriodicTask] | None = None) -> None:
    """Enqueue each periodic task whose interval has passed (every app's `AppContract.periodic_tasks`).

    Several workers may enqueue the same task; periodic tasks are written to be safe to run concurrently.
    """
    now = time.monotonic()
    for periodic in registry.periodic_tasks() if tasks is None else tasks:
        if now - last_run.get(periodic.task, float("-inf")) >= periodic.every:
            import_string(periodic.task).enqueue()
            last_run[periodic.task] = now


def _beat(worker_id: str, started_at, stop: threading.Event) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        try:
            close_old_connections()
            _enqueue_periodic(last_run)
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": started_at,
                    "seen_at": timezone.now(),
                },
            )
        except Exception:  # a database blip must not kill the worker; /readyz will show the stale beat
            connection.close()
        stop.wait(settings.MUANG_WORKER_HEARTBEAT_SECONDS)
    connection.close()


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks database queue) with a heartbeat for /readyz."

    def handle(self, *args, **options):
        worker_id = options.get("worker_id") or f"{socket.gethostname()}-{os.getpid()}"
        # As the web's master does before it forks: what is imported frozen out of the collector's reach, so a
        # task's collections walk what the task made, not Django's objects each time.
        frozen = settle(warm_up=False)
        self.stdout.write(f"worker {worker_id}: {frozen} objects frozen")
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id[:64], timezone.now(), stop), daemon=True)
        beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
