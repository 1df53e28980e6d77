"""What a long-running Muang process does to itself: the gunicorn master before it forks its workers, the
background worker before its first task.

* `settle()` builds what every request would otherwise build on first use (the URL resolver with every
  view module, the reverse lookup tables, the th/en translation catalogues), then moves every object alive at
  that moment out of the cyclic garbage collector's reach (`gc.freeze()`). A full collection then walks only
  what the process made since, not Django's hundreds of thousands of module-level objects each time: a task
  that builds 100,000 rows (a payment run, its bank file) no longer pays for walking the framework again and
  again. In the gunicorn master it also keeps the workers' collections off the pages they share after the fork
  (copy-on-write), as the Python documentation of `gc.freeze` recommends for pre-fork servers.
* `collector_paused()` pauses the cyclic collector while a hot path builds a large number of containers that
  cannot form a cycle (rows fetched as tuples of numbers and strings, a file's records): the collector could
  find nothing in them, and each of its passes on the way walks them all. The objects stay tracked and are
  looked at by the next collection after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
