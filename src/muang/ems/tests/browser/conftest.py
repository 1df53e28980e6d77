"""Headless Chromium in a thread of its own for the EMS browser tests (see muang.reports.tests.browser.conftest)."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
