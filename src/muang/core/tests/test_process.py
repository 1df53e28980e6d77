"""muang.core.process: what the web's master and the worker do to themselves at start, and the collector's pause."""

import gc
import json
import subprocess
import sys

from muang.core.process import collector_paused


def test_the_collector_is_paused_for_the_block_and_restored_after_it_even_on_an_error():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collector_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


SETTLE = """
import django, gc, json
django.setup()
from django.utils.translation import trans_real
from muang.core.process import settle
frozen = settle()
print(json.dumps({"frozen": frozen, "count": gc.get_freeze_count(), "languages": sorted(trans_real._translations)}))
"""


def test_settle_warms_the_process_and_freezes_what_is_alive():
    result = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", SETTLE], capture_output=True, text=True, check=True
    )
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["frozen"] == state["count"] > 10_000
    assert {"th", "en"} <= set(state["languages"])
