"""Helpers for the browser tests: page watching, axe-core, test data, mail links."""

import re
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
LANGUAGES = ["de", "en"]

# Schemes that never leave the browser.
_LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


class PageWatch:
    """Records what must not happen on a page: foreign requests, console/page errors, 5xx."""

    def __init__(self, page, allowed_hosts):
        self.page = page
        self.allowed_hosts = {h for h in allowed_hosts if h}
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.server_errors: list[str] = []
        self.allowed_console: list[re.Pattern] = []
        page.forum_watch = self

    def allow_console_error(self, pattern: str):
        """Tolerate console errors matching pattern, e.g. Chromium's note on an expected 404."""
        self.allowed_console.append(re.compile(pattern))

    def is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in _LOCAL_SCHEMES:
            return False
        return parts.hostname not in self.allowed_hosts

    def attach(self, context):
        # Foreign requests are recorded and aborted, so nothing actually leaves the machine.
        def route(route):
            url = route.request.url
            if self.is_foreign(url):
                self._foreign(url)
                route.abort("blockedbyclient")
            else:
                route.continue_()

        context.route("**/*", route)
        context.on("request", lambda req: self.is_foreign(req.url) and self._foreign(req.url))
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda err: self.page_errors.append(str(err.error)))

    def _foreign(self, url):
        if url not in self.foreign:
            self.foreign.append(url)

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def _console(self, message):
        if message.type == "error" and not any(
            p.search(message.text) for p in self.allowed_console
        ):
            location = message.location or {}
            self.console_errors.append(f"{message.text} ({location.get('url', '?')})")

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {u}" for u in self.foreign]
            + [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"server error: {m}" for m in self.server_errors]
        )


def prefix(language: str) -> str:
    """URL prefix of a language: German has none, English lives under /en/."""
    return "" if language == "de" else f"/{language}"


def allow_error_status(page, status: int):
    """Chromium logs every error status as a console error; where the test expects that
    status, it is the answer and not a problem of the page."""
    if status >= 400:
        page.forum_watch.allow_console_error(rf"status of {status}\b")


def open_page(page, path: str, *, status: int = 200):
    """Navigate to a path of the live server and check the status."""
    allow_error_status(page, status)
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
    return response


def assert_language(page, language: str):
    lang = page.evaluate("() => document.documentElement.lang")
    assert lang == language, f"{page.url}: <html lang={lang!r}>, expected {language!r}"


def login(page, email: str, password: str, language: str = "de"):
    """Log in through the real login form (allauth), as a person would."""
    with translation.override(language):
        path = reverse("account_login")
    open_page(page, path)
    form = page.locator("main form", has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        form.locator("[type=submit]").first.click()
    assert navigation.value.status == 200, f"login as {email}: HTTP {navigation.value.status}"
    assert "/accounts/login/" not in page.url, f"login as {email} failed: still on {page.url}"


# --- axe-core -------------------------------------------------------------------------


def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.skip(f"axe-core missing at {AXE_JS}: run `npm ci`")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it is now and return the violations.

    The site's CSP forbids inline scripts, and ``page.add_script_tag`` injects an inline
    <script> (blocked, with a console error). Evaluating the source through the DevTools
    protocol is not subject to the page's CSP, and needs no ``bypass_csp`` context that
    would hide CSP mistakes of the site itself.
    """
    # Colours are measured as they settle: with reduced motion Bootstrap drops its
    # transitions, so a button still fading after a click is not measured halfway.
    page.emulate_media(reduced_motion="reduce")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate("source => { (0, eval)(source); }", _axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} WCAG 2.1 AA violation(s) on {url}"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    target {node['target']}: {node['html'][:200]}")
            summary = (node.get("summary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def horizontal_overflow(page) -> str | None:
    """A page wider than the viewport scrolls sideways on a phone (WCAG 1.4.10 Reflow)."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        return f"{page.url}: page is {widths[0]} px wide in a {widths[1]} px viewport"
    return None


def axe_check(page):
    """Assert that axe-core finds no WCAG 2.1 A/AA violation on the page, and that the page
    does not scroll sideways."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
    overflow = horizontal_overflow(page)
    assert overflow is None, overflow


def check(page, language: str):
    """What every journey checks on each page it reaches: axe finds nothing, and the page
    is in the language the journey runs in."""
    axe_check(page)
    assert_language(page, language)


def axe_check_pages(page, paths, language: str):
    """Open each (path, status) and collect every page's violations, so one run shows them all."""
    failures = []
    for path, status in paths:
        open_page(page, path, status=status)
        violations = axe_violations(page)
        if violations:
            failures.append(format_violations(page.url, violations))
        overflow = horizontal_overflow(page)
        if overflow:
            failures.append(overflow)
        lang = page.evaluate("() => document.documentElement.lang")
        if lang != language:
            failures.append(f"{page.url}: <html lang={lang!r}>, expected {language!r}")
    assert not failures, "\n\n".join(failures)


# --- test data ------------------------------------------------------------------------
# The data migrations' rows (topics, the Organisers group, the legal pages) are put back after
# each flush by tests/conftest.py; the ``live_site`` fixture (conftest.py) relies on that.

PASSWORD = "Kupfer-Schlacke-2025!"


def make_user(email, password=PASSWORD, **fields):
    """A user with a verified primary email address, ready to log in."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organiser(email, **fields):
    """A staff user in the Organisers group (PRODUCT.md 3.1), ready to log in."""
    from django.contrib.auth.models import Group

    from forum.organisers import ORGANISERS_GROUP

    user = make_user(email, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return user


# The people who recur in the journeys: an SME's admin, a researcher (or her colleague) and
# an organiser.
PEOPLE = {
    "anna": ("anna.schmidt@example.org", "Anna", "Schmidt"),
    "ben": ("ben.krause@example.org", "Ben", "Krause"),
    "olga": ("olga.meier@example.org", "Olga", "Meier"),
}


def make_person(key: str, *, organiser: bool = False, **fields):
    """One of PEOPLE, ready to log in; ``organiser=True`` puts them in the Organisers group."""
    email, first_name, last_name = PEOPLE[key]
    make = make_organiser if organiser else make_user
    return make(email, first_name=first_name, last_name=last_name, **fields)


def prefer_language(users, language: str):
    """The language each user chose in their profile (mails come in it)."""
    from members.models import Profile

    for user in users:
        Profile.objects.update_or_create(user=user, defaults={"preferred_language": language})


def make_organisation(
    name="Harz Metall Recycling GmbH", slug="harz-metall", users=(), kind="company"
):
    """An approved organisation; the first of ``users`` is its admin, the others members."""
    from members.models import Membership, Organisation, Topic

    organisation = Organisation.objects.create(
        name=name,
        slug=slug,
        kind=kind,
        description="Rückgewinnung von Indium und Gallium aus Elektronikschrott.",
        website="https://example.org/",
        city="Goslar",
        federal_state=Organisation.FederalState.NI,
        status=Organisation.Status.APPROVED,
    )
    organisation.topics.set(Topic.objects.filter(slug__in=["weee", "hydrometallurgy"]))
    for index, user in enumerate(users):
        role = Membership.Role.ADMIN if index == 0 else Membership.Role.MEMBER
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return organisation


def make_event(*, in_days: int, hours: float, **fields):
    """A published event starting at 9:00 ``in_days`` from today and lasting ``hours``."""
    from django.utils import timezone

    from events.models import Event

    starts = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    starts += timedelta(days=in_days)
    fields.setdefault("status", "published")
    return Event.objects.create(starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)


def make_workshop(**fields):
    """The one-seat workshop of the registration journeys, 20 days ahead."""
    return make_event(
        in_days=20,
        hours=7,
        kind="workshop",
        title="Workshop Schwarzmasse",
        slug="workshop-schwarzmasse",
        summary="Aufbereitung von Lithium-Ionen-Batterien im Mittelstand.",
        description="Vorträge, Laborführung und Diskussion.",
        venue_name="TU Clausthal, Aula",
        venue_address="Aulastraße 8\n38678 Clausthal-Zellerfeld",
        capacity=1,
        **fields,
    )


def make_attendee(event, **fields):
    """A confirmed registration for ``event``."""
    from django.utils import timezone

    from events.models import Registration

    return Registration.objects.create(
        event=event, status="confirmed", confirmed_at=timezone.now(), **fields
    )


# --- journeys --------------------------------------------------------------------------


def t(language: str, msgid: str, **params) -> str:
    """The label the site shows for msgid in this language (the same catalogues it uses)."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def paths(language: str, pages, status: int = 200) -> list[tuple[str, int]]:
    """(path, status) of each (URL name, kwargs) in ``language``, for ``axe_check_pages``."""
    return [(url(language, name, **kwargs), status) for name, kwargs in pages]


def submit(page, button, *, status: int = 200):
    """Click a submit button and wait for the resulting page; it must answer ``status`` (a
    form with errors answers 400)."""
    allow_error_status(page, status)
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == status, (
        f"{page.url}: HTTP {response.status if response else '?'} after submitting"
    )
    return response


def follow(page, target):
    """Click a link (or a button whose answer the test checks itself) and wait for the page
    it leads to."""
    with page.expect_navigation() as navigation:
        target.click()
    return navigation.value


def nav_link(page, href: str):
    """A link of the main navigation; on a phone the menu is opened first, as a person would."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    link = page.locator("#main-nav").locator(f"a[href='{href}']")
    link.wait_for(state="visible")
    return link


def wait_for_mail(outbox, count: int, timeout: float = 10.0):
    """The live server runs in this process, so its mail lands in the locmem outbox."""
    deadline = time.monotonic() + timeout
    while len(outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(outbox) >= count, f"expected {count} mail(s), got {len(outbox)}"
    return outbox[count - 1]


# --- mail -----------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")


def links_in(message) -> list[str]:
    """All http(s) links in a mail, from the text body and any HTML alternative."""
    bodies = [message.body] + [
        content for content, _mimetype in getattr(message, "alternatives", []) or []
    ]
    links: list[str] = []
    for body in bodies:
        for url in _URL.findall(body):
            url = url.rstrip(".,;)")
            if url not in links:
                links.append(url)
    return links


def path_of(url: str) -> str:
    """The path (and query) of a link, so it can be opened on the live server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
