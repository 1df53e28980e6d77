"""muang.core.process: what the web's master and the worker do to themselves at start, and the collector's pause."""

import gc
import json
import subprocess
import sys

from muang.core.process import collector_paused
from muang.testing.waiting import wait_for


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


SUPERVISE = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from muang.core.process import supervise
out = Path(sys.argv[1])

def run(index):
    (out / f"{index}-{os.getpid()}").write_text(str(os.getppid()))
    while True:
        time.sleep(0.05)

supervise(2, run, restart_delay=0.2, stop_timeout=5, poll=0.05)
(out / "parent-done").write_text("")
"""


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_supervise_forks_its_children_starts_a_dead_one_again_and_stops_them_all(tmp_path):
    import os
    import signal

    parent = subprocess.Popen([sys.executable, "-c", SUPERVISE, str(tmp_path)])  # noqa: S603  (a fixed script)

    def started() -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for path in tmp_path.glob("[0-9]*-*"):
            index, pid = path.name.split("-")
            found.setdefault(index, []).append(int(pid))
        return found

    try:
        assert wait_for(lambda: set(started()) == {"0", "1"}), started()
        for path in tmp_path.glob("[0-9]*-*"):
            assert path.read_text() == str(parent.pid)  # forked by the supervisor itself
        (first,) = started()["1"]
        os.kill(first, signal.SIGKILL)  # a child dies: the same index is forked again
        assert wait_for(lambda: len(started()["1"]) == 2), started()
        assert len(started()["0"]) == 1
        children = [pid for pids in started().values() for pid in pids if _alive(pid)]
        assert len(children) == 2
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=20) == 0
        assert (tmp_path / "parent-done").exists()  # supervise returned after its children ended
        assert not any(_alive(pid) for pid in children)
    finally:
        if parent.poll() is None:
            parent.kill()
