"""Schedule releases in Chromium (issue 16, item 6), in German and English: an attendee stars
a talk; the organiser releases the programme, moves the talk in the schedule editor by
keyboard, has a clashing move refused with its reason (the public still sees the old time), looks at the pending change and releases version 2; the attendee gets
the mail with the new time, and the public programme marks the talk as moved. axe finds
nothing on the release page, the programme and the changelog; the release page and the
programme are photographed at 1366 and 390 px (test-artifacts/)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    PHONE,
    allow_error_status,
    check,
    follow,
    login,
    make_attendee,
    make_event,
    make_person,
    open_page,
    prefer_language,
    prefix,
    submit,
    t,
    url,
    wait_for_mail,
)

WIDE = {"width": 1366, "height": 900}
DASH = "\u2013"


def tp(language: str, context: str, msgid: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, msgid)


@pytest.fixture
def forum(live_site):
    from events.models import BERLIN, Event, ProgrammeItem, Room

    make_event(in_days=20, hours=8, kind="forum", title="Forum Harz", slug="forum-harz")
    start = datetime(2099, 6, 10, 9, 0, tzinfo=BERLIN)  # times on the pages are Berlin's
    Event.objects.filter(slug="forum-harz").update(
        starts_at=start, ends_at=start + timedelta(hours=8)
    )
    event = Event.objects.get(slug="forum-harz")
    aula, labor = (Room.objects.create(event=event, name=name) for name in ("Aula", "Labor"))

    def item(title, minutes, room):
        return ProgrammeItem.objects.create(
            event=event,
            title=title,
            starts_at=start + timedelta(minutes=minutes),
            ends_at=start + timedelta(minutes=minutes + 30),
            room=room,
        )

    talk = item("Indium aus Zinkrückständen", 60, aula)  # 10:00-10:30
    item("Schwarzmasse aus dem Harz", 0, aula)
    item("Laborführung Hydrometallurgie", 120, labor)
    return event, talk


def _editor_status(page, text: str) -> None:
    page.locator("#se-status", has_text=text).wait_for(timeout=10_000)


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_released_change_reaches_the_attendee_who_starred_it(new_page, forum, language):
    from events.models import AgendaStar, ProgrammeItem, ScheduleRelease

    event, talk = forum
    anna = make_person("anna")
    olga = make_person("olga", organiser=True)
    prefer_language([anna, olga], language)
    make_attendee(event, user=anna, name="Anna Schmidt", email=anna.email)

    # The attendee stars the talk on the programme.
    attendee = new_page(viewport=WIDE)
    login(attendee, anna.email, PASSWORD, language)
    open_page(attendee, url(language, "events:programme", slug=event.slug))
    talk_card = attendee.locator("article", has_text=talk.title)
    submit(attendee, talk_card.get_by_role("button", name=t(language, "Add to my programme")))
    assert AgendaStar.objects.filter(user=anna, item=talk).exists()

    # The organiser releases the programme as it is (version 1) from the event's page.
    admin = new_page(viewport=WIDE)
    login(admin, olga.email, PASSWORD, language)
    open_page(admin, f"{prefix(language)}/admin/events/event/{event.pk}/change/")
    follow(admin, admin.get_by_role("link", name=t(language, "Release the programme")))
    check(admin, language)
    release_1 = t(language, "Release version %(version)s", version=1)
    submit(admin, admin.get_by_role("button", name=release_1))
    assert ScheduleRelease.objects.get(event=event).version == 1
    assert mail.outbox == []  # nothing changed for anyone yet

    # ... moves the talk to 11:30 in the schedule editor, by keyboard (issue 16, item 5).
    open_page(admin, url(language, "admin:events_event_schedule_editor", object_id=event.pk))
    check(admin, language)
    card_in_editor = admin.locator(f"#se-item-{talk.pk}")
    card_in_editor.focus()
    for _ in range(18):  # 5 minutes a step: 10:00 -> 11:30
        admin.keyboard.press("ArrowDown")
    admin.keyboard.press("Enter")
    _editor_status(admin, t(language, "Saved: %(item)s", item="").strip())
    talk.refresh_from_db()
    assert talk.starts_at == event.starts_at + timedelta(hours=2, minutes=30)

    # A clash is refused with its reason: the opening talk cannot move onto it in the Aula.
    allow_error_status(admin, 400)  # the refusal's answer; Chromium logs every 4xx
    opening = ProgrammeItem.objects.get(event=event, title="Schwarzmasse aus dem Harz")
    admin.locator(f"#se-item-{opening.pk}").focus()
    for _ in range(30):  # 09:00 -> 11:30
        admin.keyboard.press("ArrowDown")
    admin.keyboard.press("Enter")
    reason = t(
        language,
        "%(room)s is already used at this time by “%(other)s” (%(when)s).",
        room="Aula",
        other=talk.title,
        when="",
    ).split(" (")[0]
    _editor_status(admin, reason)
    opening.refresh_from_db()
    assert opening.starts_at == event.starts_at  # nothing saved
    admin.keyboard.press("Escape")

    # The public still sees 10:00 until the next release.
    open_page(attendee, url(language, "events:programme", slug=event.slug))
    card = attendee.locator("article", has_text=talk.title)
    assert f"10:00{DASH}10:30" in card.inner_text()

    # ... sees the pending change and releases version 2 with a note.
    open_page(admin, url(language, "admin:events_event_schedule_release", object_id=event.pk))
    row = admin.locator("table.release-changes tbody tr")
    assert row.count() == 1
    assert tp(language, "schedule change", "Moved") in row.inner_text()
    assert f"10:00{DASH}10:30" in row.inner_text() and f"11:30{DASH}12:00" in row.inner_text()
    admin.locator("textarea[name=comment]").fill("Die Aula wird erst um 11:30 frei.")
    check(admin, language)
    _shoot(admin, f"release-page-{language}-1366.png")
    admin.set_viewport_size(PHONE)
    check(admin, language)
    _shoot(admin, f"release-page-{language}-390.png")
    admin.set_viewport_size(WIDE)
    submit(
        admin,
        admin.get_by_role("button", name=t(language, "Release version %(version)s", version=2)),
    )
    assert list(ScheduleRelease.objects.values_list("version", flat=True)) == [2, 1]

    # The attendee gets the mail with the new time, in their language.
    message = wait_for_mail(mail.outbox, 1)
    assert message.to == [anna.email]
    assert message.subject == t(language, "Programme changes: %(title)s", title="Forum Harz")
    assert f"{t(language, 'Now:')} " in message.body
    assert f"11:30{DASH}12:00, Aula" in message.body
    assert "Die Aula wird erst um 11:30 frei." in message.body

    # The public programme marks the talk as moved and shows the new time.
    open_page(attendee, url(language, "events:programme", slug=event.slug))
    card = attendee.locator("article", has_text=talk.title)
    assert card.locator(".pg-badge-moved").inner_text() == tp(language, "schedule change", "Moved")
    assert f"11:30{DASH}12:00" in card.inner_text()
    check(attendee, language)
    _shoot(attendee, f"programme-release-{language}-1366.png")
    follow(attendee, attendee.locator(".pg-version a"))
    check(attendee, language)
    assert "Die Aula wird erst um 11:30 frei." in attendee.locator("main").inner_text()
    _shoot(attendee, f"changelog-{language}-1366.png")

    phone = new_page(viewport=PHONE)
    open_page(phone, url(language, "events:programme", slug=event.slug))
    check(phone, language)
    _shoot(phone, f"programme-release-{language}-390.png")
    open_page(phone, url(language, "events:changelog", slug=event.slug))
    check(phone, language)
    _shoot(phone, f"changelog-{language}-390.png")
    open_page(phone, url(language, "events:item", slug=event.slug, pk=talk.pk))
    assert phone.locator(".pg-badge-moved").is_visible()
    check(phone, language)
    _shoot(phone, f"item-release-{language}-390.png")
