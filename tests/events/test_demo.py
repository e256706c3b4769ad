from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event, ProgrammeItem, Registration, Room, SessionSignup, Stand
from members.demo import PERSONAS

pytestmark = pytest.mark.django_db

MODELS = [Event, Room, ProgrammeItem, Stand, Registration, SessionSignup]


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
    assert 55 <= Registration.objects.count() <= 75
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
    base = Registration.objects.count()

    _seed(scale=3)

    assert Registration.objects.count() > 2 * base
    for event in Event.objects.exclude(capacity=None):
        assert event.registrations.filter(status="confirmed").count() <= event.capacity
    for item in ProgrammeItem.objects.exclude(capacity=None):
        assert item.signups.filter(status="confirmed").count() <= item.capacity
