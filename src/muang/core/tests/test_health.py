import datetime as dt

import pytest
from django.utils import timezone

from muang.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def beat(age_seconds: int):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=now, seen_at=now - dt.timedelta(seconds=age_seconds)
    )


def test_readyz_without_worker_is_503_and_says_why(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has ever reported"}


def test_readyz_with_fresh_worker_is_200(client):
    beat(5)
    assert client.get("/readyz").status_code == 200


def test_readyz_with_stale_worker_is_503(client):
    beat(600)
    assert client.get("/readyz").status_code == 503
