"""The background worker: django-tasks-db's db_worker plus a heartbeat that /readyz checks."""

import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from muang.core.models import WorkerHeartbeat


def _beat(worker_id: str, started_at, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
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
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id[:64], timezone.now(), stop), daemon=True)
        beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
