"""Headless Chromium for the open data catalogue: the thread-per-test runner of the citizen report tests."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
