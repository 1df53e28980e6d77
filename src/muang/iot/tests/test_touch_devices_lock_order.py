"""The devices' touch at the end of an ingest batch (last seen, state, error count) locks its rows in device-id
order, whatever plan PostgreSQL picks for the UPDATE: two ingest processes with overlapping devices then wait
for each other instead of deadlocking.

Forced, not hoped for: the gate holds the lowest device; the batch touches all three with a hash join (nested
loops off) over a heap where that device's row lies last (updated after the others). While the batch waits at
the gate it must hold no other device: a fourth connection takes them with NOWAIT. An UPDATE … FROM that locks
in the order of its scan took the two others first."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import Device
from muang.iot.services.ingest import _Reading, _touch_devices
from muang.iot.tests.factories import air_profile, device
from muang.iot.tests.test_latest_merge_concurrency import Party, blocked_by, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)


def test_touch_waits_holding_nothing_and_then_commits(areas):
    org = OrganizationFactory()
    profile = air_profile(org)
    devices = sorted((device(org, profile, serial=f"AQ-{i}")[0] for i in range(3)), key=lambda d: d.pk)
    low = devices[0]
    Device.objects.filter(pk=low.pk).update(serial="AQ-0b")  # a new row version (an indexed column: not HOT)
    # now lies after the others in the heap and in the organisation index

    def hold_low() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM iot_device WHERE id = %s FOR UPDATE", [low.pk])

    def touch_all() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute("SET LOCAL enable_mergejoin = off")
        stored = [
            _Reading(index=i, device=d, time=T0, values={}, message_id=None, received_at=T0)
            for i, d in enumerate(reversed(devices))
        ]
        _touch_devices(org, stored, {devices[1].pk: 2})

    opened = threading.Event()
    gate = Party(hold_low, until=opened)
    gate.start()
    assert gate.holding.wait(30) and gate.error is None, gate.error
    batch = Party(touch_all)
    batch.start()
    assert batch.started_work.wait(30)
    wait_for(lambda: blocked_by(batch.pid, gate.pid), "the batch waits at the gate")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM iot_device WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT",
            [[d.pk for d in devices[1:]]],
        )
        assert len(cursor.fetchall()) == 2  # the waiting batch holds none of them
    opened.set()
    for party in (gate, batch):
        party.join(60)
        assert not party.is_alive()
    assert batch.error is None, batch.error
    rows = {d.pk: (d.last_seen, d.error_count) for d in Device.objects.filter(organization=org)}
    assert rows == {devices[0].pk: (T0, 0), devices[1].pk: (T0, 2), devices[2].pk: (T0, 0)}
