"""Per-process caches of reference data that changes rarely and is read on every request (organisations'
boundaries, case categories and statuses, holiday calendars), kept right across processes by stamps.

Each cache names a stamp. A statement-level trigger on every table the cache reads bumps that stamp (to the next
value of one sequence, so a stamp never comes back, even after a rolled-back change) in the same transaction as
the change, whatever made it: a service, the admin, a bulk UPDATE, raw SQL or a TRUNCATE. A cache entry holds the
stamp it was loaded under and is used while the stamp is unchanged: a gunicorn worker sees another worker's change
at its next read. Reading the stamps is one query of a tiny table, and at most one per web request (memoised per
request, `muang.core.middleware.current_request_token`).

Tables join a stamp in a migration: `migrations.RunSQL(stamp_trigger_sql("cases_casecategory", "case_categories"))`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save

from muang.core.middleware import current_request_token

V = TypeVar("V")
M = TypeVar("M", bound=Model)

_memo = threading.local()  # (request token, {stamp name: version}) of the thread's current request


def stamp_trigger_sql(table: str, stamp: str) -> tuple[str, str]:
    """(forward, reverse) SQL that makes every change of `table` bump `stamp`."""
    trigger = f"{table}_bumps_{stamp}"
    return (
        f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION muang_bump_stamp('{stamp}')",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
    )


def stamps() -> dict[str, int]:
    """Every stamp's current version (one query; memoised for the rest of the web request)."""
    request = current_request_token()
    memo = getattr(_memo, "value", None)
    if request is not None and memo is not None and memo[0] is request:
        return memo[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, version FROM core_cache_stamp")
        versions = dict(cursor.fetchall())
    _memo.value = (request, versions)
    return versions


def remember_request_stamps(versions: dict[str, int]) -> None:
    """The stamps as a statement of this web request read them with its own work (the session's read, which
    every signed-in request makes first: `muang.core.sessions`): no query of their own for the rest of it."""
    request = current_request_token()
    if request is not None:
        _memo.value = (request, versions)


def forget_request_stamps() -> None:
    """Read the stamps afresh at the next use (after a change made earlier in the same request)."""
    _memo.value = None


_watched_tables: set[str] = set()


def _forget_after_write(sender, **kwargs) -> None:
    """A save or delete through the ORM of a stamped table: the request's memo of the stamps is stale."""
    if sender._meta.db_table in _watched_tables:
        forget_request_stamps()


post_save.connect(_forget_after_write, dispatch_uid="muang.core.stamps")
post_delete.connect(_forget_after_write, dispatch_uid="muang.core.stamps")


class StampedCache(Generic[V]):
    """Values by key, each loaded once per process and stamp version: `cache.get(key, load)`. `tables` are the
    tables whose triggers bump the stamp (created by the owning app's migration with `stamp_trigger_sql`)."""

    def __init__(
        self, *stamp_names: str, tables: tuple[str, ...], max_entries: int = 0, in_requests_only: bool = False
    ):
        self.stamp_names = stamp_names
        self.max_entries = max_entries  # 0: no bound; else the cache starts afresh when it would hold more
        # True: outside a web request (a job, a command, a service called directly) load afresh at each use, as
        # without the cache: there the stamps would be read at each use too, one query more, not one less.
        self.in_requests_only = in_requests_only
        self._entries: dict[Hashable, tuple[tuple[int, ...], V]] = {}
        _watched_tables.update(tables)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        if self.in_requests_only and current_request_token() is None:
            return load()
        current = stamps()
        version = tuple(current.get(name, 0) for name in self.stamp_names)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        value = load()
        if self.max_entries and len(self._entries) >= self.max_entries:
            self._entries.clear()
        # Stored under the version read BEFORE loading: a change committed meanwhile makes it stale at once.
        self._entries[key] = (version, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


def fresh_copy(instance: M) -> M:
    """A copy of a cached model instance for one request to use (and change) freely: its own field values and
    state, no related objects cached (set them from copies too). Much cheaper than `copy.copy` of a model."""
    copy = instance.__class__.__new__(instance.__class__)
    copy.__dict__ = instance.__dict__.copy()
    state = copy._state = ModelState()
    state.db = instance._state.db
    state.adding = False
    return copy
