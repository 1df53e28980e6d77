"""What a long-running Muang process does to itself: the gunicorn master before it forks its workers, the
background worker before its first task.

* `settle()` builds what every request would otherwise build on first use (the URL resolver with every
  view module, the reverse lookup tables, the th/en translation catalogues), then moves every object alive at
  that moment out of the cyclic garbage collector's reach (`gc.freeze()`). A full collection then walks only
  what the process made since, not Django's hundreds of thousands of module-level objects each time: a task
  that builds 100,000 rows (a payment run, its bank file) no longer pays for walking the framework again and
  again. In the gunicorn master it also keeps the workers' collections off the pages they share after the fork
  (copy-on-write), as the Python documentation of `gc.freeze` recommends for pre-fork servers.
* `supervise()` runs one job in several forked children and keeps them running (the MQTT ingest: one consumer a
  core on the shared subscription), as the gunicorn master does for its workers.
* `collector_paused()` pauses the cyclic collector while a hot path builds a large number of containers that
  cannot form a cycle (rows fetched as tuples of numbers and strings, a file's records): the collector could
  find nothing in them, and each of its passes on the way walks them all. The objects stay tracked and are
  looked at by the next collection after the pause.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger("muang.process")


def warm() -> None:
    """What every request would build on its first use, built now."""
    from django.conf import settings
    from django.db import connections
    from django.urls import URLResolver, get_resolver, reverse
    from django.utils import translation

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            else:
                pattern.callback  # imports the view's module  # noqa: B018

    resolver = get_resolver()
    walk(resolver.url_patterns)
    reverse("opendata:catalogue")  # fills the resolvers' reverse tables
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Muang")  # loads the language's catalogues
    connections.close_all()


def settle(*, warm_up: bool = True) -> int:
    """Warm the process (a web process: `warm_up`), then freeze what is alive out of the collector's reach; the
    number of objects frozen. The worker and the ingest serve no page: they freeze what they have imported."""
    if warm_up:
        warm()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (reference counting goes on freeing everything as
    usual). Process-wide: another thread's cycles wait for the block's end, which is a matter of a second."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def supervise(
    count: int,
    run: Callable[[int], None],
    *,
    restart_delay: float = 1.0,
    stop_timeout: float = 30.0,
    poll: float = 0.2,
) -> None:
    """Run `run(index)` in `count` forked children (index 0 to count - 1) until this process gets SIGTERM or
    SIGINT, then stop them with SIGTERM (SIGKILL after `stop_timeout` seconds) and wait for them.

    A child that ends (an error, or killed) is logged and started again with the same index after
    `restart_delay`, so a child that fails at once is not forked in a tight loop. Call it after `settle()`: the
    children share the parent's settled pages. The parent keeps no database connection: each child opens its
    own. A child starts with the default signal handlers; `run` sets its own."""
    from django.db import connections

    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    children: dict[int, int] = {}  # pid -> index

    def spawn(index: int) -> None:
        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            children[pid] = index
            return
        for sig in previous:  # the child: its own life, never back into the parent's loop
            signal.signal(sig, signal.SIG_DFL)
        code = 1
        try:
            run(index)
            code = 0
        except BaseException:
            logger.exception("child %s failed", index)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    try:
        for index in range(count):
            spawn(index)
        restart: dict[int, float] = {}  # index -> when to fork it again
        while not stopping:
            pid, status = _reap()
            if pid in children:
                index = children.pop(pid)
                code = os.waitstatus_to_exitcode(status)  # negative: the signal that ended it
                logger.warning("child %s (pid %s) ended with %s; starting it again", index, pid, code)
                restart[index] = time.monotonic() + restart_delay
            for index, when in list(restart.items()):
                if time.monotonic() >= when and not stopping:
                    del restart[index]
                    spawn(index)
            if pid <= 0:
                time.sleep(poll)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + stop_timeout
        while children:
            pid, _status = _reap()
            if pid == -1:
                break
            if pid:
                children.pop(pid, None)
            elif time.monotonic() > deadline:
                for pid in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            else:
                time.sleep(0.05)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _reap() -> tuple[int, int]:
    """(pid, status) of a child that ended; (0, 0) while they all run; (-1, 0) when no child is left."""
    try:
        return os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return -1, 0
