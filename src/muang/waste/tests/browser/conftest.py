"""Headless Chromium in a thread of its own for the waste browser test (see muang.reports.tests.browser.conftest)."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
