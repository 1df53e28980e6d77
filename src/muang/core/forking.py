"""Forked worker processes that use the database (the KPI snapshot, the assessment run).

A forked child inherits its parent's memory, and with it any open database connection object and its socket.
If a child used or closed such a connection, it would talk on the parent's socket: closing it sends
PostgreSQL's Terminate message, and the parent (or a sibling child still reading from that same socket) gets
"server closed the connection unexpectedly". So:

- the parent closes its connections before it forks (`process_pool` does it);
- each child forgets whatever connection objects it inherited *without a word on their sockets* (the
  `forget_inherited_connections` initializer), opens its own, and closes them when its work is done
  (`in_child`).

The second point is the one that makes it safe whatever state the parent was in (a connection reopened by
another piece of code between the close and the fork, a connection inside a transaction that `close()` leaves
alone): Celery's Django fix-up does the same for its prefork workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def forget_inherited_connections() -> None:
    """In a freshly forked child: drop the parent's connection objects without closing them (the sockets are
    the parent's; the child's copies of the file descriptors go when the child exits)."""
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None
        wrapper.in_atomic_block = False
        wrapper.savepoint_ids = []
        wrapper.atomic_blocks = []
        wrapper.needs_rollback = False
        wrapper.closed_in_transaction = False
        wrapper.run_on_commit = []


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes for database work: the parent's connections are closed first and
    every child starts with none (see the module's docstring). Submit `in_child(fn, ...)`."""
    connections.close_all()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=forget_inherited_connections,
    )


def in_child(fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)` in a pool's child and close the child's own connections when it is done."""
    try:
        return fn(*args)
    finally:
        connections.close_all()
