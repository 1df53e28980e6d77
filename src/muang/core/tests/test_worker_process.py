"""The real background worker process, against the real database queue: periodic task → outbox → LINE."""

import os
import signal
import subprocess
import sys

import pytest
from django.db import connection

from muang.core.models import LineChannel, Notification, WorkerHeartbeat
from muang.core.tests.factories import OrganizationFactory
from muang.testing.line_server import start_fake_line
from muang.testing.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_runs_queued_tasks_and_reports_its_heartbeat(client):
    from muang.conftest import load_area_slice

    load_area_slice()
    line, server = start_fake_line()
    org = OrganizationFactory()
    LineChannel.objects.create(organization=org, channel_id="1", channel_secret="s" * 32, access_token="t")
    from django.utils import timezone

    n = Notification.objects.create(
        organization=org,
        channel="line_push",
        recipient="Uabc",
        messages=[{"type": "text", "text": "ซ่อมแล้ว"}],
        next_attempt_at=timezone.now(),
    )
    assert client.get("/readyz").status_code == 503  # no worker yet

    env = {
        **os.environ,
        "MUANG_TESTING": "0",  # the real database queue, not the immediate backend
        "MUANG_DB_NAME": connection.settings_dict["NAME"],
        "MUANG_WORKER_HEARTBEAT_SECONDS": "0.5",
        "MUANG_LINE_API_BASE": line.url,
        "DJANGO_SETTINGS_MODULE": "muang.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "muang_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: WorkerHeartbeat.objects.exists()), "no heartbeat"
        assert wait_for(lambda: Notification.objects.get(pk=n.pk).status == "sent"), "the task did not run"
        assert line.requests[0].body["messages"][0]["text"] == "ซ่อมแล้ว"
        assert client.get("/readyz").status_code == 200
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=20)[0]
        server.shutdown()
    assert worker.returncode == 0, output
    assert "objects frozen" in output  # settled as the web's master is (muang.core.process.settle)
