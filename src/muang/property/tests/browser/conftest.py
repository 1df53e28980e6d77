"""Headless Chromium for the tax map's browser test: the same thread-of-its-own driver as the reports test."""

from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture)
