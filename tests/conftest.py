"""Shared fixtures. With FORUM_REQUIRE_SERVICES=1 (CI) a skipped test fails instead:
a missing browser, Redis or PostgreSQL must never turn the gate green by skipping."""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("FORUM_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"FORUM_REQUIRE_SERVICES=1 turns this skip into a failure: {reason}"
