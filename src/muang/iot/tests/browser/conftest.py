"""Headless Chromium for the iot browser tests: the same thread-per-test runner as the citizen report test; the
environment tests' cleanup of committed telemetry and its partitions (a transactional test writes them)."""

from muang.environment.tests.conftest import committed_telemetry  # noqa: F401 (a fixture, re-exported)
from muang.reports.tests.browser.conftest import in_chromium  # noqa: F401 (a fixture, re-exported)
