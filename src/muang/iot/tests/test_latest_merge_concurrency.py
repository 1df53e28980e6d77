"""Two ingest processes (a shared subscription) merging the latest values of overlapping devices, given in
opposite orders, on two real connections: both commit, none deadlocks.

The interleaving is forced, not hoped for: a third transaction (the gate) holds the first device's row; batch B
starts and waits at the gate; batch A starts and runs as far as it can (to its commit, or to a wait); then the
gate opens. When the merge locked its rows in two statements (the devices of one time, then the others), B held
device 2 while it waited at the gate, A took device 1 and waited for device 2, and the open gate let B ask for
device 1: a deadlock, and PostgreSQL failed one batch. One statement in device-id order makes B wait at the gate
holding nothing, so A passes and B follows. Waiting is on conditions (a backend blocked by another, a thread
done), never on a clock."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import LatestValue
from muang.iot.services.ingest import latest_values_merge
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


class Party(threading.Thread):
    """A transaction in its own thread and connection: `work()` inside `transaction.atomic()`, then commit (or
    the exception it met). `until` holds the transaction open until it is set."""

    def __init__(self, work, until: threading.Event | None = None):
        super().__init__(daemon=True)
        self.work, self.until = work, until
        self.pid: int | None = None
        self.started_work = threading.Event()
        self.holding = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            with transaction.atomic():
                self.started_work.set()
                self.work()
                self.holding.set()
                if self.until is not None:
                    assert self.until.wait(30), "the gate was never opened"
        except BaseException as e:  # kept for the test to assert
            self.error = e
        finally:
            self.started_work.set()
            self.holding.set()
            connection.close()


def blocked_by(pid: int, other: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [other, pid])
        return cursor.fetchone()[0]


def wait_for(condition, what: str) -> None:
    """Ask PostgreSQL again until `condition()` holds (each ask is a round trip, no sleep); 30 s at most."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"


def run_crosswise(org, d0: int, d1: int, d2: int, gate_work) -> tuple[Party, Party]:
    # Batch A: device 1 with one time, device 2 with two (ascending). Batch B: devices 2, 1, 0 (descending),
    # device 2 with one time, devices 1 and 0 with two: before, each batch's two statements took its devices
    # in opposite orders (A: 1 then 2; B: 2 then 0, 1).
    batch_a = {
        d1: {"pm25": (T0 + 10 * S, 11.0), "pm10": (T0 + 10 * S, 21.0)},
        d2: {"pm25": (T0 + 11 * S, 12.0), "pm10": (T0 + 12 * S, 22.0)},
    }
    batch_b = {
        d2: {"pm25": (T0 + 20 * S, 32.0), "pm10": (T0 + 20 * S, 42.0)},
        d1: {"pm25": (T0 + 21 * S, 31.0), "pm10": (T0 + 5 * S, 99.0)},  # pm10 older than A's: A's stays
        d0: {"pm25": (T0 + 22 * S, 30.0), "pm10": (T0 + 23 * S, 40.0)},
    }
    opened = threading.Event()
    gate = Party(gate_work, until=opened)
    gate.start()
    assert gate.holding.wait(30) and gate.error is None, gate.error
    b = Party(lambda: latest_values_merge(org.pk, batch_b))
    b.start()
    assert b.started_work.wait(30)
    wait_for(lambda: blocked_by(b.pid, gate.pid), "batch B waits at the gate")
    a = Party(lambda: latest_values_merge(org.pk, batch_a))
    a.start()
    assert a.started_work.wait(30)
    wait_for(
        lambda: not a.is_alive() or blocked_by(a.pid, b.pid) or blocked_by(a.pid, gate.pid),
        "batch A committed or waits",
    )
    opened.set()
    for party in (gate, a, b):
        party.join(60)
        assert not party.is_alive()
    return a, b


def latest(org) -> dict:
    return {
        (v.device_id, v.key): (v.time, v.value)
        for v in LatestValue.objects.filter(organization_id=org.pk).order_by("device_id", "key")
    }


EXPECTED = {  # every key at its newest reading, whichever batch committed first
    (0, "pm25"): (T0 + 22 * S, 30.0),
    (0, "pm10"): (T0 + 23 * S, 40.0),
    (1, "pm25"): (T0 + 21 * S, 31.0),
    (1, "pm10"): (T0 + 10 * S, 21.0),
    (2, "pm25"): (T0 + 20 * S, 32.0),
    (2, "pm10"): (T0 + 20 * S, 42.0),
}


@pytest.fixture
def three_devices(areas):
    org = OrganizationFactory()
    profile = air_profile(org)
    ids = sorted(device(org, profile, serial=f"AQ-{i}")[0].pk for i in range(3))
    return org, ids


def expected(ids) -> dict:
    return {(ids[n], key): value for (n, key), value in EXPECTED.items()}


def test_overlapping_batches_in_opposite_orders_both_commit_on_existing_rows(three_devices):
    org, (d0, d1, d2) = three_devices
    latest_values_merge(org.pk, {d: {"pm25": (T0, 1.0), "pm10": (T0, 2.0)} for d in (d0, d1, d2)})

    def hold_device_0() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM iot_devicelatest WHERE organization_id = %s AND device_id = %s FOR UPDATE",
                [org.pk, d0],
            )

    a, b = run_crosswise(org, d0, d1, d2, hold_device_0)
    assert a.error is None and b.error is None, (a.error, b.error)
    assert latest(org) == expected([d0, d1, d2])


def test_overlapping_batches_in_opposite_orders_both_commit_on_first_reports(three_devices):
    # No rows yet: the gate's own first report of device 0 (uncommitted) is what B waits for; A's rows and B's
    # are new, and a second insert of a key waits for the first one's transaction like a row lock.
    org, (d0, d1, d2) = three_devices

    def first_report_of_device_0() -> None:
        latest_values_merge(org.pk, {d0: {"pm25": (T0, 1.0), "pm10": (T0, 2.0)}})

    a, b = run_crosswise(org, d0, d1, d2, first_report_of_device_0)
    assert a.error is None and b.error is None, (a.error, b.error)
    assert latest(org) == expected([d0, d1, d2])
