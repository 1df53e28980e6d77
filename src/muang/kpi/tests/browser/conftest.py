"""Headless Chromium for the KPI browser tests: the same thread-per-test runner as the other apps' tests."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
