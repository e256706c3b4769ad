"""Issue 17: the event page from the cache. Visitors get the whole page kept; members get
their page rendered around the kept programme. Every change of the events app shows at
once, languages are kept apart, and nothing of one member reaches another."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from events import cache as event_cache
from tests.factories import (
    MembershipFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def _get(client, event, language="de"):
    with translation.override(language):
        url = event.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_visitors_get_the_kept_page(client, event, django_assert_num_queries):
    ProgrammeItemFactory(event=event, title="Indium aus Zinkrückständen")
    first = _get(client, event)

    with django_assert_num_queries(0):
        second = _get(client, event)

    assert second == first
    assert "Indium aus Zinkrückständen" in first
    assert "csrfmiddlewaretoken" not in first


def test_programme_changes_show_at_once_to_visitors_and_members(client, event, member):
    item = ProgrammeItemFactory(event=event, title="Alter Vortrag")
    assert "Alter Vortrag" in _get(client, event)
    client.force_login(member)
    assert "Alter Vortrag" in _get(client, event)

    item.title = "Neuer Vortrag"
    item.save()
    item.speakers.add(SpeakerFactory(event=event, name="Dr. Erika Muster"))

    member_page = _get(client, event)
    client.logout()
    visitor_page = _get(client, event)
    for page in (member_page, visitor_page):
        assert "Neuer Vortrag" in page
        assert "Alter Vortrag" not in page
        assert "Dr. Erika Muster" in page


def test_the_seats_left_follow_each_registration(client, event):
    assert "2 places left" in _get(client, event, "en")
    RegistrationFactory(event=event)

    assert "1 place left" in _get(client, event, "en")


def test_members_see_the_seats_follow_each_registration(client, event, member):
    client.force_login(member)
    assert "2 places left" in _get(client, event, "en")
    RegistrationFactory(event=event)
    assert "1 place left" in _get(client, event, "en")


def _programme_read(client, event) -> bool:
    with CaptureQueriesContext(connection) as queries:
        _get(client, event, "en")
    return "events_programmeitem" in " ".join(q["sql"] for q in queries.captured_queries)


def test_a_registration_keeps_the_programme_of_members(client, event, member):
    """When registration opens, every registration renews the seats, not the programme."""
    ProgrammeItemFactory(event=event, title="Vortrag")
    client.force_login(member)
    assert _programme_read(client, event)
    assert not _programme_read(client, event)

    RegistrationFactory(event=event)
    assert not _programme_read(client, event)
    assert "1 place left" in _get(client, event, "en")


def test_a_cancelled_registration_frees_its_session_place_on_the_page(client, event, member, org):
    """The programme counts the session places of confirmed registrations: cancelling one
    changes the count although no sign-up is saved (their update() sends no signal)."""
    from events import services

    item = ProgrammeItemFactory(event=event, title="Werkstatt", capacity=5)
    registration, _created = services.registration_create(
        event=event, actor=member, sessions=[item]
    )
    client.force_login(member)
    assert "1 of 5 places taken" in _get(client, event, "en")

    services.registration_cancel(registration=registration, actor=member)
    assert "0 of 5 places taken" in _get(client, event, "en")


def test_personal_models_renew_nothing(event, member, org):
    from events import cache as event_cache
    from events.models import AgendaStar, CalendarFeed, ProgrammeItem, Registration

    assert event_cache.generation_of(AgendaStar) is None
    assert event_cache.generation_of(CalendarFeed) is None
    assert event_cache.generation_of(Registration) == event_cache.REGISTRATIONS
    assert event_cache.generation_of(ProgrammeItem) == event_cache.GENERATION
    assert event_cache.generation_of(ProgrammeItem.speakers.through) == event_cache.GENERATION


def test_event_changes_show_at_once(client, event):
    assert "Workshop Schwarzmasse" in _get(client, event)

    event.title = "Workshop Indium"
    event.save()

    assert "Workshop Indium" in _get(client, event)


def test_the_host_name_follows_the_organisation(client, event, host):
    assert "Clausthaler Umwelttechnik-Institut" in _get(client, event)

    host.name = "CUTEC Clausthal"
    host.save()

    assert "CUTEC Clausthal" in _get(client, event)


def test_languages_are_kept_apart(client, event, member):
    ProgrammeItemFactory(event=event)
    for who in (None, member):
        if who:
            client.force_login(who)
        german = _get(client, event)
        english = _get(client, event, "en")
        assert "Programm" in german and 'lang="de"' in german
        assert "Programme" in english and 'lang="en"' in english
        if who is None:
            assert _get(client, event) == german


def test_a_members_registration_is_never_shown_to_another(client, event, member, org):
    ProgrammeItemFactory(event=event)
    RegistrationFactory(event=event, user=member, organisation=org)
    client.force_login(member)
    assert "Manage my registration" in _get(client, event, "en")

    colleague = MembershipFactory(organisation=org).user
    client.force_login(colleague)
    page = _get(client, event, "en")

    assert "Manage my registration" not in page
    assert "Register now" in page


def test_members_read_the_kept_programme_without_its_queries(client, event, member):
    for n in range(3):
        ProgrammeItemFactory(event=event, title=f"Vortrag {n}")
    client.force_login(member)
    _get(client, event)

    with CaptureQueriesContext(connection) as queries:
        page = _get(client, event)

    assert "Vortrag 2" in page
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "events_programmeitem" not in read
    assert 'FROM "events_event"' not in read  # the event itself is kept too


def test_a_members_registration_is_kept_and_follows_every_change(client, event, member, org):
    client.force_login(member)
    assert "Register now" in _get(client, event, "en")

    registration = RegistrationFactory(event=event, user=member, organisation=org)
    assert "Manage my registration" in _get(client, event, "en")
    with CaptureQueriesContext(connection) as queries:
        _get(client, event, "en")
    assert "events_registration" not in " ".join(q["sql"] for q in queries.captured_queries)

    registration.status = "cancelled"
    registration.save()
    assert "Register now" in _get(client, event, "en")


def test_a_guest_registration_with_the_members_address_shows_at_once(client, event, member):
    client.force_login(member)
    assert "Register now" in _get(client, event, "en")
    RegistrationFactory(event=event, user=None, email=member.email, status="confirmed")
    assert "Manage my registration" in _get(client, event, "en")


def test_organisers_and_members_are_kept_apart_for_drafts(client, event, member, organiser_user):
    event.status = "draft"
    event.save()
    client.force_login(organiser_user)
    assert "Workshop Schwarzmasse" in _get(client, event)

    client.force_login(member)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_the_page_is_kept_no_longer_than_the_clock_allows(event):
    now = timezone.now()
    event.registration_opens_at = now + timedelta(seconds=42)
    assert event_cache.page_timeout(event, now) == 42
    event.registration_opens_at = None
    assert event_cache.page_timeout(event, now) == event_cache.TIMEOUT


def test_a_draft_is_never_served_to_visitors_from_the_cache(client, event):
    _get(client, event)
    event.status = "draft"
    event.save()

    assert client.get(event.get_absolute_url()).status_code == 404
