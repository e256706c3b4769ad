"""Calendars parsed back with icalendar: the event's file with every programme item, one
file per item, the personal feed behind its secret link (PRODUCT.md 3.3)."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from events.models import BERLIN, CalendarFeed, SessionSignup
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.factories import organiser as make_organiser

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar) -> dict[str, icalendar.Event]:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


@pytest.fixture
def forum(db):
    event = EventFactory(title="Innovationsforum 2026", slug="forum-2026", two_days=True)
    room = RoomFactory(event=event, name="Kaisersaal")
    speaker = SpeakerFactory(event=event, name="Prof. Dr. Jonas Becker", organisation_name="TUC")
    items = [
        ProgrammeItemFactory(
            event=event,
            title=f"Vortrag {n}",
            room=room,
            starts_at=event.starts_at + timedelta(days=n // 2, hours=n),
            speakers=[speaker],
        )
        for n in range(4)
    ]
    return event, items


def test_event_calendar_has_the_event_and_every_item(client, forum):
    event, items = forum

    calendar = parse(client.get(f"/events/{event.slug}/calendar.ics"))

    components = vevents(calendar)
    # A two-day event is one entry per day (issue 11), keyed by the day.
    day_uids = {f"event-{event.pk}-{day:%Y%m%d}@127.0.0.1" for day in event.days()}
    assert set(components) == day_uids | {f"item-{item.pk}@127.0.0.1" for item in items}
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    for item in items:
        component = components[f"item-{item.pk}@127.0.0.1"]
        assert str(component["SUMMARY"]) == f"{item.title} ({event.title})"
        assert component["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert component["DTSTART"].dt == timezone.localtime(item.starts_at, BERLIN)
        assert component["DTEND"].dt == timezone.localtime(item.ends_at, BERLIN)
        assert str(component["LOCATION"]).startswith("Kaisersaal, TU Clausthal, Aula")
        assert "Prof. Dr. Jonas Becker (TUC)" in str(component["DESCRIPTION"])
        assert str(component["URL"]).endswith(f"/events/{event.slug}/programme/{item.pk}/")
    last = components[f"event-{event.pk}-{event.days()[-1]:%Y%m%d}@127.0.0.1"]
    assert str(last["SUMMARY"]) == event.title
    assert last["DTEND"].dt == timezone.localtime(items[-1].ends_at, BERLIN)
    assert str(last["STATUS"]) == "CONFIRMED"


def test_event_calendar_uids_are_stable(client, forum):
    event, _items = forum

    first = client.get(f"/events/{event.slug}/calendar.ics").content
    second = client.get(f"/en/events/{event.slug}/calendar.ics").content

    uids = [vevents(icalendar.Calendar.from_ical(data)).keys() for data in (first, second)]
    assert list(uids[0]) == list(uids[1])


def test_item_calendar_holds_one_item(client, forum):
    event, items = forum

    calendar = parse(client.get(f"/events/{event.slug}/programme/{items[1].pk}/calendar.ics"))

    assert list(vevents(calendar)) == [f"item-{items[1].pk}@127.0.0.1"]


def test_item_calendar_of_another_event_is_404(client, forum):
    _event, items = forum
    other = EventFactory()

    assert (
        client.get(f"/events/{other.slug}/programme/{items[0].pk}/calendar.ics").status_code == 404
    )


def test_draft_calendars_are_404_except_for_organisers(client, db):
    draft = EventFactory(draft=True)
    item = ProgrammeItemFactory(event=draft)

    assert client.get(f"/events/{draft.slug}/calendar.ics").status_code == 404
    assert client.get(f"/events/{draft.slug}/programme/{item.pk}/calendar.ics").status_code == 404
    client.force_login(make_organiser())
    assert client.get(f"/events/{draft.slug}/calendar.ics").status_code == 200


def test_cancelled_event_calendar_says_cancelled(client, db):
    event = EventFactory(cancelled=True)

    calendar = parse(client.get(f"/events/{event.slug}/calendar.ics"))

    assert [str(c["STATUS"]) for c in calendar.walk("VEVENT")] == ["CANCELLED"]


# --- personal feed ------------------------------------------------------------------------


def test_feed_has_registrations_and_sessions(client, forum):
    event, items = forum
    user = UserFactory()
    session = items[2]
    registration = RegistrationFactory(event=event, user=user, email=user.email)
    SessionSignup.objects.create(registration=registration, item=session)
    SessionSignup.objects.create(registration=registration, item=items[3], status="waitlisted")
    waitlisted_at = EventFactory(title="Workshop Katalysatoren")
    RegistrationFactory(event=waitlisted_at, user=user, email=user.email, waitlisted=True)
    RegistrationFactory(event=EventFactory(), user=user, email=user.email, cancelled=True)
    RegistrationFactory(event=EventFactory(draft=True), user=user, email=user.email)
    RegistrationFactory(event=EventFactory(title="Fremd"))  # someone else's
    feed = CalendarFeed.objects.create(user=user)

    response = client.get(f"/events/feeds/{feed.token}.ics")

    calendar = parse(response)
    assert response["Cache-Control"] == "private, no-store"
    components = vevents(calendar)
    assert set(components) == {
        # the two-day forum with no days chosen: both days, one entry each (issue 11)
        *(f"event-{event.pk}-{day:%Y%m%d}@127.0.0.1" for day in event.days()),
        f"item-{session.pk}@127.0.0.1",
        f"event-{waitlisted_at.pk}@127.0.0.1",
    }
    assert str(components[f"event-{waitlisted_at.pk}@127.0.0.1"]["STATUS"]) == "TENTATIVE"
    assert components[f"item-{session.pk}@127.0.0.1"]["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_feed_shows_chosen_days_of_a_multi_day_event(client, forum):
    event, _items = forum
    user = UserFactory()
    second = event.days()[1]
    RegistrationFactory(event=event, user=user, email=user.email, days=[second])
    feed = CalendarFeed.objects.create(user=user)

    calendar = parse(client.get(f"/events/feeds/{feed.token}.ics"))

    (component,) = calendar.walk("VEVENT")
    assert str(component["UID"]) == f"event-{event.pk}-{second:%Y%m%d}@127.0.0.1"
    assert component["DTSTART"].dt.date() == second


def test_feed_marks_cancelled_events(client, db):
    user = UserFactory()
    event = EventFactory(cancelled=True)
    RegistrationFactory(event=event, user=user, email=user.email)
    feed = CalendarFeed.objects.create(user=user)

    calendar = parse(client.get(f"/events/feeds/{feed.token}.ics"))

    assert [str(c["STATUS"]) for c in calendar.walk("VEVENT")] == ["CANCELLED"]


def test_feed_unknown_token_is_404(client, db):
    assert client.get("/events/feeds/not-a-token.ics").status_code == 404


def test_feed_of_deactivated_user_is_404(client, db):
    user = UserFactory(is_active=False)
    feed = CalendarFeed.objects.create(user=user)

    assert client.get(f"/events/feeds/{feed.token}.ics").status_code == 404


def test_feed_renders_in_constant_queries(client, django_assert_num_queries, db):
    user = UserFactory()
    feed = CalendarFeed.objects.create(user=user)

    def add(n):
        for _ in range(n):
            other = EventFactory()
            registration = RegistrationFactory(event=other, user=user, email=user.email)
            item = ProgrammeItemFactory(event=other, speakers=[SpeakerFactory(event=other)])
            SessionSignup.objects.create(registration=registration, item=item)

    add(1)
    with django_assert_num_queries(4):
        client.get(f"/events/feeds/{feed.token}.ics")
    add(29)
    with django_assert_num_queries(4):
        response = client.get(f"/events/feeds/{feed.token}.ics")
    assert len(parse(response).walk("VEVENT")) == 60
