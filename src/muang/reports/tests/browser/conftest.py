"""Headless Chromium (Debian's package, driven by Playwright) for the browser tests of the apps (reports, billing,
property, selfservice, iot, cases, lighting, environment re-export `in_chromium`).

Playwright's sync API allows one instance per thread, and the core browser tests keep theirs open for the whole
session; so these tests drive a Chromium of their own in a thread of its own, whatever ran before them. That
thread and its browser start once per test process (per xdist worker) and serve every `in_chromium` call: each
call gets a fresh browser context (own cookies, storage, viewport), so the tests stay independent while the ~1 s
Chromium launch is paid once, not once per test.
"""

import atexit
import os
import queue
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from muang.core.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


class _ChromiumThread:
    """One thread owning Playwright and one Chromium; jobs (steps, viewport) come through a queue."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.thread: threading.Thread | None = None

    def run(self, fn: Callable, viewport: dict | None = None) -> None:
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(target=self._serve, name="chromium", daemon=True)
            self.thread.start()
        done: queue.Queue = queue.Queue(maxsize=1)
        self.jobs.put((fn, viewport, done))
        while True:
            try:
                failure = done.get(timeout=1)
                break
            except queue.Empty:
                if not self.thread.is_alive() and done.empty():
                    raise RuntimeError("the Chromium thread ended before it ran the steps") from None
        if failure is not None:
            raise failure

    def stop(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join(30)

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    while (job := self.jobs.get()) is not None:
                        fn, viewport, done = job
                        done.put(self._one(browser, fn, viewport))
                        if not browser.is_connected():  # it crashed: the next call starts another
                            return
                finally:
                    if browser.is_connected():
                        browser.close()
        except BaseException as e:  # Playwright or the launch failed: the waiting tests hear it
            while True:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    return
                if job is not None:
                    job[2].put(e)

    @staticmethod
    def _one(browser, fn: Callable, viewport: dict | None) -> BaseException | None:
        try:
            context = browser.new_context(
                locale="th-TH",
                timezone_id="Asia/Bangkok",
                viewport=viewport or {"width": 390, "height": 844},
                accept_downloads=True,  # receipts and notices
            )
            # The base map comes from an outside tile server this machine cannot reach.
            context.route(
                "https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=b"")
            )
            try:
                fn(context.new_page())
            finally:
                context.close()
        except BaseException as e:  # handed back to the test's thread
            return e
        finally:
            connections.close_all()  # this thread's own database connections
        return None


_CHROMIUM = _ChromiumThread()
atexit.register(_CHROMIUM.stop)


def _run_with_page(fn: Callable, viewport: dict | None = None) -> None:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    _CHROMIUM.run(fn, viewport)


@pytest.fixture
def in_chromium() -> Callable[[Callable], None]:
    """in_chromium(lambda page: ...) runs the steps with a fresh mobile-sized Thai page (or another size:
    in_chromium(steps, viewport={"width": 1280, "height": 900}))."""
    return _run_with_page
