"""Forked workers never talk on their parent's database socket (core.forking)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection

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
def test_forgetting_drops_the_connection_without_a_word_on_its_socket():
    """What a child does with what it inherited, done in this process: the wrapper lets go of the connection
    and opens its own next time, and the old connection was not closed (closing would send Terminate on the
    parent's socket; whether a child inherits the thread's connection at all depends on the thread that forks,
    so this is checked here rather than across a fork)."""
    parent = _backend_pid()
    inherited = connection.connection
    forking.forget_inherited_connections()
    try:
        assert connection.connection is None
        assert not inherited.closed
        assert inherited.execute("SELECT pg_backend_pid()").fetchone()[0] == parent  # still alive
        assert _backend_pid() != parent  # a connection of its own
    finally:
        inherited.close()


@pytest.mark.django_db(transaction=True)
def test_the_pool_closes_the_parents_connections_before_it_forks():
    before = _backend_pid()
    with forking.process_pool(2) as pool:
        children = {pool.submit(forking.in_child, _backend_pid).result() for _ in range(2)}
    assert before not in children
    assert connection.connection is None or _backend_pid() != before
