"""Transitions lock the case row: two people acting at the same moment never both succeed."""

import itertools
import threading

import pytest
from django.db import connection, transaction

from muang.cases.models import Case, CaseEvent, CaseStatus, EventKind
from muang.cases.services import case_change_status, case_mark_duplicate, case_rate
from muang.cases.services.steps import lock_case
from muang.cases.tests.conftest import MONDAY_9, make_town
from muang.cases.tests.factories import submit_case
from muang.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls) -> list[object]:
    """Run the calls in threads released together; each result is the return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as e:  # collected for the assertions
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_ratings_at_once_only_one_counts(areas):
    town = make_town()
    case = submit_case(town.category, now=MONDAY_9)
    case_change_status(actor=town.officer, case=case, status="resolved", now=MONDAY_9)
    results = race(
        lambda: case_rate(actor=town.officer, case=case, stars=5, now=MONDAY_9),
        lambda: case_rate(actor=town.head, case=case, stars=1, now=MONDAY_9),
    )
    assert sorted(type(r).__name__ for r in results) == ["Case", "Conflict"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.RATED).count() == 1


def test_crossing_duplicates_never_make_a_circle(areas):
    town = make_town()
    a = submit_case(town.category, now=MONDAY_9)
    b = submit_case(town.category, now=MONDAY_9)
    results = race(
        lambda: case_mark_duplicate(actor=town.officer, case=a, original=b),
        lambda: case_mark_duplicate(actor=town.officer, case=b, original=a),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert all(isinstance(r, Case | Conflict | InvalidInput) for r in results), results
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.duplicate_of_id is None) != (b.duplicate_of_id is None)


def test_simultaneous_status_changes_are_serialised(areas):
    town = make_town()
    case = submit_case(town.category, now=MONDAY_9)
    results = race(
        lambda: case_change_status(actor=town.officer, case=case, status="in_progress", now=MONDAY_9),
        lambda: case_change_status(actor=town.head, case=case, status="not_responsible", now=MONDAY_9),
    )
    assert all(isinstance(r, Case | Conflict) for r in results), results
    case.refresh_from_db()
    changes = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED)
        .order_by("id")
        .values_list("data", flat=True)
    )
    # Whatever the order, the events chain: each change starts where the previous one ended.
    assert changes[0]["from"] == "received" and changes[-1]["to"] == case.status.code
    assert all(a["to"] == b["from"] for a, b in itertools.pairwise(changes))


def test_a_transition_that_waited_for_the_lock_reads_the_row_and_its_relations_as_committed(areas):
    # Given a case that another transaction holds locked while it moves status, assignee and department
    town = make_town()
    case = submit_case(town.category, now=MONDAY_9)
    in_progress = CaseStatus.objects.get(organization=town.org, code="in_progress")
    holding, commit = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                lock_case(case)
                Case.objects.filter(pk=case.pk).update(
                    status=in_progress, assignee=town.other_officer.user, department=town.health
                )
                holding.set()
                commit.wait(10)
        finally:
            connection.close()

    seen: list[Case] = []

    def second() -> None:
        try:
            with transaction.atomic():
                seen.append(lock_case(case))
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert holding.wait(10)
    waiter = threading.Thread(target=second)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and not seen, "the second transaction waits for the lock"
    # When the first commits
    commit.set()
    holder.join(10)
    waiter.join(10)
    # Then the waiter got the row with the committed status, assignee and department (a JOIN would have lost it)
    [row] = seen
    assert row.status == in_progress and row.status.code == "in_progress" and not row.status._state.adding
    assert row.assignee.username == town.other_officer.user.username
    assert row.department.code == "health" and row.category.code == "streetlight"
