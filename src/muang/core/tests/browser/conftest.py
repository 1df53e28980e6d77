"""Real headless Chromium (Debian's package) driven by Playwright, against the live test server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MUANG_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Flags for a closed network and a root user (see docs/testing.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="th-TH", timezone_id="Asia/Bangkok", viewport={"width": 390, "height": 844}
    )
    # The base map comes from an outside tile server this machine cannot reach: answer tiles with nothing.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    yield page
    context.close()
