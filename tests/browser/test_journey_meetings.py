"""B2B meetings in a real browser, in German and English (issue 14, done-when): Anna and Ben,
confirmed participants of the forum, opt in on the meetings page (Anna's offer prefilled
from her organisation's competence profile); Anna asks Ben for a meeting with a message; Ben
accepts; both see the meeting with its time and table on the meetings page, in their agenda
("Mein Programm") and in their calendar feed. Every page is checked with axe-core; the
meetings page and the agenda are photographed at 1366 and 390 pixels
(test-artifacts/meetings-*.png)."""

from datetime import datetime, time, timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    login,
    make_attendee,
    make_event,
    make_organisation,
    make_person,
    open_page,
    prefer_language,
    submit,
    t,
    url,
)

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
OFFER = "Wir laugen Indium aus Zinkrückständen."
MESSAGE = "Können wir über Ihre Laugung sprechen?"


@pytest.fixture
def cast(live_site):
    from events.models import BERLIN
    from events.models_meetings import MeetingPlace, MeetingSettings, MeetingSlot
    from members.models import CompetenceProfile, Organisation

    anna, ben = make_person("anna"), make_person("ben")
    sme = make_organisation(users=[anna])
    CompetenceProfile.objects.create(organisation=sme, competences=OFFER)
    make_organisation(
        name="Institut für Aufbereitung",
        slug="institut",
        users=[ben],
        kind=Organisation.Kind.RESEARCH,
    )
    forum = make_event(
        in_days=25,
        hours=9,
        kind="forum",
        title="Innovationsforum Harz",
        slug="forum",
        venue_name="Kaiserpfalz Goslar",
        venue_address="Kaiserbleek 6\n38640 Goslar",
    )
    MeetingSettings.objects.create(event=forum, enabled=True)
    day = forum.starts_at.astimezone(BERLIN).date()
    start = datetime.combine(day, time(10), tzinfo=BERLIN)
    for index in range(3):
        MeetingSlot.objects.create(
            event=forum,
            starts_at=start + timedelta(minutes=20 * index),
            ends_at=start + timedelta(minutes=20 * (index + 1)),
        )
    MeetingPlace.objects.create(event=forum, name="Tisch 7")
    for person in (anna, ben):
        make_attendee(
            forum,
            user=person,
            name=person.get_full_name(),
            email=person.email,
            organisation=person.memberships.get().organisation,
        )
    return {"anna": anna, "ben": ben, "forum": forum}


def _photograph(page, name, language):
    for label, size in (("1366", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(ARTIFACTS / f"meetings-{name}-{language}-{label}.png"), full_page=True
        )
    page.set_viewport_size(WIDE)


def _opt_in(page, language, forum):
    open_page(page, url(language, "events:meetings", slug=forum.slug))
    check(page, language)
    submit(page, page.get_by_role("button", name=t(language, "Take part")))
    check(page, language)
    assert t(language, "Your meeting details are saved.") in page.locator("main").inner_text()


def _agenda_and_feed_show(page, language, forum, meeting, me, other, live_site):
    """``me`` sees the meeting with time, table and ``other`` in the agenda and the feed."""
    import icalendar

    from events.models import BERLIN
    from events.services import calendar_feed_for

    open_page(page, url(language, "events:agenda", slug=forum.slug))
    check(page, language)
    row = page.locator(f"[data-meeting='{meeting.pk}']")
    text = row.inner_text()
    assert "10:00" in text and "Tisch 7" in text and other.get_full_name() in text
    feed = calendar_feed_for(user=me)
    response = page.request.get(live_site.url + feed.get_absolute_url())
    assert response.ok
    calendar = icalendar.Calendar.from_ical(response.body())
    (entry,) = [c for c in calendar.walk("VEVENT") if str(c["UID"]).startswith("meeting-")]
    assert entry["DTSTART"].dt.astimezone(BERLIN).strftime("%H:%M") == "10:00"
    assert "Tisch 7" in str(entry["LOCATION"]) and other.get_full_name() in str(entry["SUMMARY"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_meeting_journey_opt_in_request_accept(cast, new_page, language, live_site):
    from events.models_meetings import MeetingRequest

    anna, ben, forum = cast["anna"], cast["ben"], cast["forum"]
    prefer_language([anna, ben], language)
    ARTIFACTS.mkdir(exist_ok=True)

    owner = new_page(viewport=WIDE)
    login(owner, anna.email, PASSWORD, language)
    open_page(owner, url(language, "events:meetings", slug=forum.slug))
    assert owner.locator("[name=offer]").input_value() == OFFER  # from the competence profile
    _opt_in(owner, language, forum)

    other = new_page(viewport=WIDE)
    login(other, ben.email, PASSWORD, language)
    _opt_in(other, language, forum)

    # --- Anna finds Ben and asks for a meeting ---------------------------------------------
    open_page(owner, url(language, "events:meetings", slug=forum.slug))
    card = owner.locator("li.card", has_text=ben.get_full_name())
    assert t(language, "Recommended") in card.inner_text()  # shared topics
    card.locator("textarea[name=message]").fill(MESSAGE)
    name = t(language, "Request a meeting with %(name)s", name=ben.get_full_name())
    submit(owner, card.get_by_role("button", name=name))
    check(owner, language)
    assert t(language, "Your request is sent.") in owner.locator("main").inner_text()

    # --- Ben accepts: the meeting has the first slot and the table ------------------------
    open_page(other, url(language, "events:meetings", slug=forum.slug))
    assert MESSAGE in other.locator("main").inner_text()
    submit(other, other.get_by_role("button", name=t(language, "Accept")))
    check(other, language)
    meeting = MeetingRequest.objects.get()
    assert meeting.status == "accepted" and meeting.place.name == "Tisch 7"
    row = other.locator(f"[data-meeting='{meeting.pk}']")
    assert "10:00" in row.inner_text() and "Tisch 7" in row.inner_text()
    assert anna.get_full_name() in row.inner_text()
    _photograph(other, "page", language)

    open_page(owner, url(language, "events:meetings", slug=forum.slug))
    row = owner.locator(f"[data-meeting='{meeting.pk}']")
    assert "10:00" in row.inner_text() and "Tisch 7" in row.inner_text()
    assert ben.get_full_name() in row.inner_text()
    check(owner, language)

    # --- Both find it in their programme and calendar -----------------------------------------
    _agenda_and_feed_show(owner, language, forum, meeting, anna, ben, live_site)
    _photograph(owner, "agenda", language)
    _agenda_and_feed_show(other, language, forum, meeting, ben, anna, live_site)
