"""Headless Chromium (Debian's package, driven by Playwright) for the browser tests of the apps (reports, billing,
property, selfservice re-export `in_chromium`).

Playwright's sync API allows one instance per thread, and the core browser tests keep theirs open for the whole
session; so this test drives its own Chromium in a thread of its own, whatever ran before it.
"""

import os
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from muang.core.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


def _run_with_page(fn: Callable, viewport: dict | None = None) -> None:
    from playwright.sync_api import sync_playwright

    failure: list[BaseException] = []

    def target() -> None:
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
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
                    browser.close()
        except BaseException as e:  # handed back to the test's thread
            failure.append(e)
        finally:
            connections.close_all()  # this thread's own database connections

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread = threading.Thread(target=target, name="chromium")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture
def in_chromium() -> Callable[[Callable], None]:
    """in_chromium(lambda page: ...) runs the steps with a fresh mobile-sized Thai page (or another size:
    in_chromium(steps, viewport={"width": 1280, "height": 900}))."""
    return _run_with_page
