"""Forked workers never talk on their parent's database socket (core.forking)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection
from django.db.utils import OperationalError

from muang.core import forking


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _fork_with_parent_connection_open(initializer, children: int = 2):
    """Children each run a query and close their connections, while the parent's connection is open (the
    state that the close before the fork is meant to prevent, and that the initializer must survive)."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(children, mp_context=context, initializer=initializer) as pool:
        return sorted(
            f.result() for f in [pool.submit(forking.in_child, _backend_pid) for _ in range(children)]
        )


@pytest.mark.django_db(transaction=True)
def test_children_open_their_own_connections_and_leave_the_parents_alone():
    parent = _backend_pid()
    children = _fork_with_parent_connection_open(forking.forget_inherited_connections)
    assert parent not in children  # each child had its own backend
    assert _backend_pid() == parent  # and the parent's connection survived the children closing theirs


@pytest.mark.django_db(transaction=True)
def test_without_forgetting_a_child_closing_an_inherited_connection_kills_the_parents():
    """The hazard itself, so that the test above can fail: the child's close sends Terminate on the shared
    socket (with two children, the second then fails as the clean-clone run of 2026-12-05 did)."""
    parent = _backend_pid()
    try:
        assert _fork_with_parent_connection_open(None, children=1) == [parent]  # the child used the parent's
        with pytest.raises(OperationalError):
            _backend_pid()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_pool_closes_the_parents_connections_before_it_forks():
    before = _backend_pid()
    with forking.process_pool(2) as pool:
        children = {pool.submit(forking.in_child, _backend_pid).result() for _ in range(2)}
    assert before not in children
    assert connection.connection is None or _backend_pid() != before
