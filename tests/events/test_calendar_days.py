"""Issue 11 on the event pages: the forum in a calendar as one entry per day (not one
32-hour block), an exhibitors link only where there are exhibitors, and opening one's
registration marks its notifications read."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events import notifications as event_notifications
from events.models import BERLIN, CalendarFeed
from forum.notifications.models import Notification
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _vevents(response) -> list[icalendar.Event]:
    assert response.status_code == 200
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def _whole_event(components, event):
    return sorted(
        (c for c in components if str(c["UID"]).startswith(f"event-{event.pk}")),
        key=lambda c: c["DTSTART"].dt,
    )


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def test_two_day_event_is_one_entry_per_day_from_its_programme(client):
    event = EventFactory(two_days=True)  # 09:00 on day 1 to 17:00 on day 2
    first, second = event.days()
    ProgrammeItemFactory(event=event, starts_at=_at(first, 8, 30), ends_at=_at(first, 9, 30))
    ProgrammeItemFactory(event=event, starts_at=_at(first, 18, 30), ends_at=_at(first, 22))
    ProgrammeItemFactory(event=event, starts_at=_at(second, 8, 30), ends_at=_at(second, 16))

    days = _whole_event(_vevents(client.get(f"/events/{event.slug}/calendar.ics")), event)

    assert [str(c["UID"]) for c in days] == [
        f"event-{event.pk}-{first:%Y%m%d}@127.0.0.1",
        f"event-{event.pk}-{second:%Y%m%d}@127.0.0.1",
    ]
    assert [(c["DTSTART"].dt, c["DTEND"].dt) for c in days] == [
        (_at(first, 8, 30), _at(first, 22)),
        (_at(second, 8, 30), _at(second, 16)),
    ]
    for component in days:
        assert component["DTEND"].dt - component["DTSTART"].dt < timedelta(hours=24)
        assert component["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_two_day_event_without_programme_uses_the_event_times_each_day(client):
    event = EventFactory(two_days=True)
    first, second = event.days()

    days = _whole_event(_vevents(client.get(f"/events/{event.slug}/calendar.ics")), event)

    assert [(c["DTSTART"].dt, c["DTEND"].dt) for c in days] == [
        (_at(first, 9), _at(first, 17)),
        (_at(second, 9), _at(second, 17)),
    ]


def test_one_day_event_stays_one_entry(client):
    event = EventFactory()

    (component,) = _vevents(client.get(f"/events/{event.slug}/calendar.ics"))

    assert str(component["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert component["DTEND"].dt == timezone.localtime(event.ends_at, BERLIN)


def test_feed_of_a_registration_for_all_days_has_each_day(client):
    event = EventFactory(two_days=True)
    user = UserFactory()
    RegistrationFactory(event=event, user=user, email=user.email, days=[])
    feed = CalendarFeed.objects.create(user=user)

    days = _whole_event(_vevents(client.get(f"/events/feeds/{feed.token}.ics")), event)

    assert [c["DTSTART"].dt.date() for c in days] == event.days()


# --- Exhibitors link ------------------------------------------------------------------------


def test_exhibitors_link_only_where_there_are_exhibitors(client):
    event = EventFactory()
    exhibitors_url = reverse("events:exhibitors", args=[event.slug])
    StandFactory(event=event)  # applied, not confirmed: no exhibitor yet

    assert exhibitors_url not in client.get(event.get_absolute_url()).content.decode()

    StandFactory(event=event, confirmed=True)

    assert exhibitors_url in client.get(event.get_absolute_url()).content.decode()


# --- Opening the registration marks its notifications read ---------------------------------


def test_opening_the_registration_marks_its_notifications_read(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user, email=user.email)
    other = RegistrationFactory(user=user, email=user.email)
    event_notifications.registration_confirmed(registration)
    event_notifications.registration_confirmed(other)
    client.force_login(user)

    client.get(registration.get_absolute_url())

    assert Notification.objects.get(context__registration_id=registration.pk).read_at is not None
    assert Notification.objects.get(context__registration_id=other.pk).read_at is None


def test_opening_the_event_page_marks_the_registrations_notifications_read(client):
    user = UserFactory()
    registration = RegistrationFactory(user=user, email=user.email)
    event_notifications.registration_confirmed(registration)
    client.force_login(user)

    client.get(f"/en{registration.event.get_absolute_url()}")

    assert Notification.objects.get(context__registration_id=registration.pk).read_at is not None
