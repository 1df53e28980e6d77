"""Waiting in tests for what another process does (a worker, a forked child, an ingest consumer)."""

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float = 30.0, interval: float = 0.1) -> bool:
    """Whether `condition()` held within `timeout` seconds, asked every `interval`: returns as soon as it does, so
    the timeout only matters on a machine busy with parallel workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
