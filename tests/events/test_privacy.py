import json

import pytest
from django.utils import timezone

from events.models import CalendarFeed, Registration
from forum.privacy import registry
from tests.factories import EventFactory, RegistrationFactory, StandFactory

pytestmark = pytest.mark.django_db


def test_export_holds_registrations_and_stands_but_no_secrets(member, event):
    registration = RegistrationFactory(
        event=event, user=member, email=member.email, dietary_needs="vegan"
    )
    registration.session_signups.create(
        item=event.items.create(
            title="Werkstatt", starts_at=event.starts_at, ends_at=event.ends_at, capacity=4
        )
    )
    StandFactory(event=event, applied_by=member, description="Zink")
    CalendarFeed.objects.create(user=member)

    data = registry.export_user_data(member)["events"]

    text = json.dumps(data)
    assert data["registrations"][0]["dietary_needs"] == "vegan"
    assert data["registrations"][0]["sessions"][0]["session"] == "Werkstatt"
    assert data["stands_applied_for"][0]["description"] == "Zink"
    assert registration.token not in text and registration.checkin_code not in text
    assert member.calendar_feed.token not in text


def test_erase_cancels_future_promotes_waitlist_and_anonymises_past(member, event, notified):
    future = RegistrationFactory(event=event, user=member, email=member.email)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    past_event = EventFactory(past=True)
    past = RegistrationFactory(
        event=past_event,
        user=member,
        email=member.email,
        name="Max Muster",
        checked_in_at=timezone.now(),
    )

    registry.erase_user(member)

    future.refresh_from_db()
    past.refresh_from_db()
    waiting.refresh_from_db()
    assert future.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert past.user is None and past.name != "Max Muster"
    assert member.email not in past.email
    assert past.checked_in_at is not None  # attendance figures stay


def test_export_and_erase_cover_the_personal_agenda(member, event):
    from events.models import AgendaStar
    from tests.factories import ProgrammeItemFactory

    registration = RegistrationFactory(event=event, user=member, email=member.email)
    talk, workshop = ProgrammeItemFactory(event=event), ProgrammeItemFactory(event=event)
    AgendaStar.objects.create(item=talk, user=member)
    AgendaStar.objects.create(item=workshop, registration=registration)
    other = AgendaStar.objects.create(item=talk, registration=RegistrationFactory(event=event))

    data = registry.export_user_data(member)["events"]
    assert sorted(star["item"] for star in data["starred_programme_items"]) == sorted(
        [talk.title, workshop.title]
    )

    registry.erase_user(member)

    assert list(AgendaStar.objects.all()) == [other]
