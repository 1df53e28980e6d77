"""Headless Chromium for the billing browser test: the same thread-per-test runner as the citizen report test
(muang.reports.tests.browser), so it works whatever browser tests ran before it."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
