"""The personal agenda in Chromium (issue 16, item 4), in German and English: a member stars
two items on the programme grid (a double click leaves one star), sees them in "Mein
Programm" with the clash marked, signs up for a session there; a guest reaches their agenda
from the registration link and stars an item. axe finds nothing; the agenda page is
photographed at 1366 and 390 px (test-artifacts/)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PHONE,
    check,
    follow,
    login,
    make_attendee,
    make_event,
    make_person,
    open_page,
    prefer_language,
    submit,
    t,
    url,
)

WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def forum(live_site):
    from events.models import ProgrammeItem, Room

    event = make_event(in_days=20, hours=8, kind="forum", title="Forum Harz", slug="forum-harz")
    aula, labor = (Room.objects.create(event=event, name=name) for name in ("Aula", "Labor"))
    start = event.starts_at

    def item(title, minutes, room, **fields):
        return ProgrammeItem.objects.create(
            event=event,
            title=title,
            starts_at=start + timedelta(minutes=minutes),
            ends_at=start + timedelta(minutes=minutes + 45),
            room=room,
            **fields,
        )

    items = {
        "keynote": item("Schwarzmasse aus dem Harz", 0, aula),
        "workshop": item("Laborführung Hydrometallurgie", 30, labor, capacity=12),
        "later": item("Indium aus Zinkrückständen", 120, aula),
    }
    return event, items


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_stars_items_and_reads_their_programme(new_page, forum, language):
    from events.models import AgendaStar, SessionSignup

    event, items = forum
    anna = make_person("anna")
    prefer_language([anna], language)
    make_attendee(event, user=anna, name="Anna Schmidt", email=anna.email)
    page = new_page(viewport=WIDE)
    login(page, anna.email, "Kupfer-Schlacke-2025!", language)

    open_page(page, url(language, "events:programme", slug=event.slug))
    check(page, language)
    add = t(language, "Add to my programme")
    keynote = page.locator("article", has_text=items["keynote"].title)
    # A double click submits twice; the second submission may abort the first navigation
    # (net::ERR_ABORTED on a slow machine), so wait for the page that answers, not for one
    # navigation: the keynote's button says it is in the programme.
    keynote.get_by_role("button", name=add).dblclick()
    keynote.get_by_role("button", name=t(language, "In my programme")).wait_for()
    page.wait_for_load_state()
    workshop = page.locator("article", has_text=items["workshop"].title)
    submit(page, workshop.get_by_role("button", name=add))
    assert AgendaStar.objects.filter(user=anna).count() == 2
    assert page.get_by_role("button", name=t(language, "In my programme")).count() == 2

    follow(page, page.get_by_role("link", name=t(language, "My programme")).first)
    check(page, language)
    assert page.locator("h1").inner_text() == t(language, "My programme")
    assert page.locator(".agenda-list li").count() == 2
    assert page.locator(".agenda-conflict").count() == 2  # 9:00 and 9:30 overlap
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"agenda-{language}-1366.png", full_page=True)

    submit(page, page.get_by_role("button", name=t(language, "Sign up for this session")))
    assert SessionSignup.objects.get(item=items["workshop"]).status == "confirmed"
    assert page.get_by_text(t(language, "You have a seat in this session.")).is_visible()
    check(page, language)

    phone = new_page(viewport=PHONE)
    login(phone, anna.email, "Kupfer-Schlacke-2025!", language)
    open_page(phone, url(language, "events:agenda", slug=event.slug))
    check(phone, language)
    phone.screenshot(path=ARTIFACTS / f"agenda-{language}-390.png", full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_reaches_their_programme_from_the_registration_link(new_page, forum, language):
    from events.models import AgendaStar

    event, items = forum
    guest = make_attendee(event, name="Erika Gast", email="erika@example.org", language=language)
    page = new_page(viewport=PHONE)

    open_page(page, url(language, "events:registration", token=guest.token))
    follow(
        page,
        page.get_by_role(
            "link", name=t(language, "My programme: star the items you want to attend")
        ),
    )
    check(page, language)
    later = page.locator("li", has_text=items["later"].title)
    submit(page, later.get_by_role("button", name=t(language, "Add to my programme")))

    assert AgendaStar.objects.get(registration=guest).item == items["later"]
    assert page.locator(".agenda-list li").count() == 1
    check(page, language)
