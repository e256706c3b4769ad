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


# Data migrations of the apps, re-run (they are idempotent) for transactional tests.
DATA_MIGRATIONS = [
    ("members.migrations.0002_seed_topics", "seed"),
    ("members.migrations.0003_organisers_group", "create_group"),
    ("forum.pages.migrations.0002_legal_pages", "seed_pages"),
    ("forum.notifications.migrations.0002_organisers_permissions", "grant"),
    ("events.migrations.0002_organisers_permissions", "grant"),
    ("research_needs.migrations.0002_organisers_permissions", "grant"),
    ("forum.cockpit.migrations.0001_organisers_read_audit_log", "grant"),
    ("members.migrations.0006_competence_profile", "grant"),
    ("research_needs.migrations.0006_introductions", "grant"),
    ("events.migrations.0004_meetings", "grant"),
]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _data_migrations_after_flush(request):
    """A transactional test empties every table afterwards, also what the data migrations
    wrote (topics, the Organisers group with its permissions, the legal pages), and a later
    test would miss it. Re-running them is cheaper and sturdier than serialized_rollback,
    which breaks once a plain transactional test has flushed the content types."""
    if not _is_transactional(request):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
