"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test opens is watched. The test fails (at teardown) when the page

- asked any host other than the live server (PRODUCT.md 3.5: no third-party requests),
- logged a console error (this includes CSP violations) or threw an uncaught exception,
- got an HTTP 5xx response.

Pages run against ``live_site`` (the live server, the data migrations' rows, SITE_URL);
a test's data fixture takes ``live_site`` instead of repeating that set-up. The shared
helpers (log in, submit, follow a link, make users and events, axe-core with
``check(page, language)``) live in ``helpers.py``.

A missing Chromium, Playwright or axe-core skips the tests with the reason; the top-level
conftest turns such skips into failures when FORUM_REQUIRE_SERVICES=1 (CI).
"""

import os

# Playwright's sync API runs an event loop in the main thread; Django then refuses ORM
# calls from that thread unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches

from tests.browser.helpers import DESKTOP, PageWatch

BASE_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM = os.environ.get("FORUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# FORUM_BROWSER_SCREENSHOTS=1 keeps a screenshot of every test, not only of failed ones.
ALWAYS_SCREENSHOT = os.environ.get("FORUM_BROWSER_SCREENSHOTS") == "1"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Fixtures read this at teardown to take screenshots of failed tests.
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        pytest.skip(f"Browser tests need Playwright (pip install playwright): {exc}")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        playwright.stop()
        pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def viewport():
    """Desktop unless a test parametrizes ``viewport`` directly (PHONE, DESKTOP)."""
    return DESKTOP


@pytest.fixture
def language():
    """German unless a test parametrizes ``language`` directly ("de", "en")."""
    return "de"


@pytest.fixture
def live_site(transactional_db, _data_migrations_after_flush, settings, live_server):
    """The site every journey and page test runs against: the live server on a database
    that holds what the data migrations wrote (topics, the Organisers group with its
    permissions, the legal pages; put back after each flush by tests/conftest.py), and
    SITE_URL pointing at the live server, so links in mails lead to it as in production.
    Test data fixtures depend on it; ``new_page`` does too."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def new_page(browser, live_site, request, viewport, language):
    """Factory for watched pages, each in a fresh browser context (own cookies, own session).

    ``new_page()`` uses the test's viewport and language; pass ``viewport=`` or ``locale=``
    to differ. Teardown fails the test on foreign requests, console or page errors and 5xx.
    """
    # The live server runs in this process, so its cache outlives each test's database
    # flush; allauth's rate limits (e.g. one confirmation mail per address per 3 minutes)
    # count there and would leak from one test into the next.
    for cache in caches.all(initialized_only=True):
        cache.clear()
    allowed_hosts = LOCAL_HOSTS | {urlsplit(live_site.url).hostname}
    opened: list[tuple[object, PageWatch]] = []

    def factory(*, viewport=viewport, locale=None):
        locale = locale or ("en-GB" if language == "en" else "de-DE")
        context = browser.new_context(
            viewport=viewport,
            is_mobile=viewport["width"] < 600,
            has_touch=viewport["width"] < 600,
            locale=locale,
            base_url=live_site.url,
            service_workers="block",
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        watch = PageWatch(page, allowed_hosts)
        watch.attach(context)
        opened.append((context, watch))
        return page

    yield factory

    reports = [getattr(request.node, f"rep_{when}", None) for when in ("setup", "call")]
    failed = any(report is not None and report.failed for report in reports)
    problems: list[str] = []
    for index, (context, watch) in enumerate(opened):
        problems.extend(watch.problems())
        if failed or watch.problems() or ALWAYS_SCREENSHOT:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            for page_index, page in enumerate(context.pages):
                try:
                    page.screenshot(
                        path=ARTIFACTS / f"{name}-{index}-{page_index}.png", full_page=True
                    )
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"screenshot failed: {exc}")
        context.close()
    if problems:
        pytest.fail("Browser problems during the test:\n  " + "\n  ".join(problems))


@pytest.fixture
def page(new_page):
    """One watched page in its own context, at the test's viewport and language."""
    return new_page()
