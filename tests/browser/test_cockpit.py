"""The organisers' start page and statistics in Chromium (issue 15): axe finds nothing in
either language, nothing scrolls sideways on a phone, the CSP holds (the conftest fails the
test on any console error), and screenshots of both pages at desktop and phone width are
kept in test-artifacts/ for a look."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.helpers import (
    PASSWORD,
    PHONE,
    check,
    login,
    make_person,
    open_page,
    prefix,
)

DESKTOP_1366 = {"width": 1366, "height": 900}
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def cockpit_data(live_site):
    # The flush of the last transactional test took the Organisers' permission to read the
    # audit trail with it (tests/conftest.py puts back the other apps' grants only).
    import importlib

    from django.apps import apps

    from tests.factories import (
        AnswerFactory,
        EventFactory,
        NeedFactory,
        OrganisationFactory,
        RegistrationFactory,
        StandFactory,
    )

    importlib.import_module("forum.cockpit.migrations.0001_organisers_read_audit_log").grant(
        apps, None
    )
    now = timezone.now()
    organiser = make_person("olga", organiser=True)
    research = OrganisationFactory(kind="research", federal_state="ST", size_band="250+")
    public = OrganisationFactory(kind="public", federal_state="TH", size_band="50-249")
    OrganisationFactory(status="pending", name="Neue Recycling GmbH")
    NeedFactory(submitted=True, title="Rückgewinnung von Gallium aus LED-Schrott")
    old = NeedFactory(published_at=now - timedelta(days=45), title="Sortierung von Altglas")
    AnswerFactory(need=NeedFactory(), organisation=research, accepted=True)
    AnswerFactory(need=old, organisation=research)
    event = EventFactory(capacity=40, title="Forum Kreislaufwirtschaft Harz 2026")
    for organisation in [research, public, None, None]:
        RegistrationFactory(event=event, organisation=organisation)
    RegistrationFactory(event=event, waitlisted=True)
    RegistrationFactory(event=event, pending=True)
    StandFactory(event=event, organisation=public)
    return organiser


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_start_page_and_statistics_pass_axe(page, cockpit_data, language, viewport):
    login(page, cockpit_data.email, PASSWORD, language)
    width = "phone" if viewport is PHONE else "desktop"

    open_page(page, f"{prefix(language)}/admin/")
    heading = "Was auf Sie wartet" if language == "de" else "What waits for you"
    assert page.locator("caption", has_text=heading).is_visible()
    assert page.locator(".cockpit-needs_to_moderate .cockpit-count").inner_text() == "1"
    assert page.locator(".model-logentry th a").count() == 1  # the audit trail, for organisers
    check(page, language)
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / f"cockpit-index-{language}-{width}.png", full_page=True)

    open_page(page, f"{prefix(language)}/admin/statistics/")
    assert page.locator("svg.cockpit-chart").count() == 4
    check(page, language)
    page.screenshot(
        path=ARTIFACTS_DIR / f"cockpit-statistics-{language}-{width}.png", full_page=True
    )
