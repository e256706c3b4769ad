from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event, ProgrammeItem, Registration, Room, SessionSignup, Stand
from events.models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSlot,
)
from events.models_meetings_outcomes import MeetingOutcome
from members.demo import PERSONAS

pytestmark = pytest.mark.django_db

MODELS = [Event, Room, ProgrammeItem, Stand, Registration, SessionSignup]
MODELS += [MeetingSlot, MeetingPlace, MeetingParticipant, MeetingRequest, MeetingBooking]
MODELS += [MeetingOutcome]


def _seed(**options):
    call_command("seed_demo", force=True, stdout=StringIO(), **options)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_events_as_product_md_7_describes():
    _seed()

    forum = Event.objects.get(kind="forum")
    assert forum.is_published and not forum.is_past and len(forum.days()) == 2
    assert forum.rooms.count() == 4
    assert forum.items.count() == 40
    assert {"keynote", "talk", "panel", "break", "networking", "exhibition"} <= set(
        forum.items.values_list("kind", flat=True)
    )
    assert forum.items.filter(kind="workshop_session", capacity__isnull=False).exists()
    assert forum.stands.count() == 15
    assert forum.stands.filter(status="confirmed").exclude(number="").count() >= 10
    assert Event.objects.filter(kind="workshop").count() == 3
    assert Event.objects.filter(kind="workshop", ends_at__lt=forum.starts_at).count() == 3
    assert Event.objects.filter(kind="excursion").exists()
    # About 60, and 30 more demo accounts at the forum for its B2B meetings (issue 14).
    assert 85 <= Registration.objects.count() <= 105
    assert set(Registration.objects.values_list("status", flat=True)) == set(
        Registration.Status.values
    )
    assert forum.registrations.get(email=PERSONAS["attendee"]).status == "confirmed"
    full = Event.objects.get(slug="workshop-batterierecycling-2027")
    assert full.registrations.filter(status="confirmed").count() == full.capacity
    assert full.registrations.filter(status="waitlisted").exists()


def test_demo_events_twice_changes_nothing():
    _seed()
    before = _counts()

    _seed()

    assert _counts() == before


def test_demo_events_scale_more_registrations_never_overbooked():
    _seed()
    scaled = Registration.objects.exclude(email__startswith="b2b.")  # meetings: fixed 30
    base = scaled.count()

    _seed(scale=3)

    assert scaled.count() > 2 * base
    for event in Event.objects.exclude(capacity=None):
        assert event.registrations.filter(status="confirmed").count() <= event.capacity
    for item in ProgrammeItem.objects.exclude(capacity=None):
        assert item.signups.filter(status="confirmed").count() <= item.capacity


def test_demo_forum_has_meetings_with_40_participants_and_requests_in_every_state():
    _seed()

    forum = Event.objects.get(kind="forum")
    assert forum.meeting_settings.enabled
    assert MeetingParticipant.objects.filter(event=forum).count() == 40
    assert not MeetingParticipant.objects.filter(
        event=forum, registration__user__isnull=True
    ).exists()
    assert (
        not MeetingParticipant.objects.filter(event=forum)
        .exclude(registration__status="confirmed")
        .exists()
    )
    requests = MeetingRequest.objects.filter(event=forum)
    assert set(requests.values_list("status", flat=True)) == set(MeetingRequest.Status.values)
    scheduled = requests.filter(status="accepted", slot__isnull=False)
    assert scheduled.count() >= 15
    assert MeetingBooking.objects.filter(request__event=forum).count() == 2 * scheduled.count()
    assert requests.filter(status="accepted", slot__isnull=True).exists()
    assert MeetingOutcome.objects.filter(outcome="held", useful=True).exists()
