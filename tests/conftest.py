"""Shared fixtures. With FORUM_REQUIRE_SERVICES=1 (CI) a skipped test fails instead:
a missing browser, Redis or PostgreSQL must never turn the gate green by skipping."""

import os

import pytest
from django.utils import translation

REQUIRE_SERVICES = os.environ.get("FORUM_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"FORUM_REQUIRE_SERVICES=1 turns this skip into a failure: {reason}"


@pytest.fixture(autouse=True)
def _german_by_default():
    """A request under /en/ leaves English active in the thread; reverse() would follow it."""
    translation.activate("de")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps rate-limit counters and verification cooldowns in the cache; tests
    must not share them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
