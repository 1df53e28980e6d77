"""Headless Chromium for the iot browser test: the same thread-per-test runner as the citizen report test."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
