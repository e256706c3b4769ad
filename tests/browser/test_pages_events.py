"""A1 (WCAG 2.1 AA, axe-core) and 3.5 (no third-party request) on the events pages, in
German and English, at desktop and phone widths: the public pages, a guest's own
registration page, a member's registrations and the staff check-in pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    VIEWPORTS,
    axe_check_pages,
    login,
    make_attendee,
    make_event,
    make_organisation,
    make_organiser,
    make_person,
    url,
)


@pytest.fixture
def forum(live_site):
    """A two-day forum with rooms, talks with speakers, a session with sign-up, a confirmed
    stand, a guest registration and a member's registration."""
    from events.models import ProgrammeItem, Room, Speaker, Stand

    member = make_person("ben")
    make_organiser("orga@example.org", first_name="Olga", last_name="Organisator")
    organisation = make_organisation(users=[member])
    event = make_event(
        in_days=30,
        hours=32,
        kind="forum",
        title="Innovationsforum Recyclingregion Harz",
        slug="innovationsforum",
        summary="Zwei Tage Vorträge, Stände und Gespräche.",
        description="Unternehmen und Forschung der Recyclingregion Harz finden zusammen.",
        venue_name="Kaiserpfalz Goslar",
        venue_address="Kaiserbleek 6\n38640 Goslar",
        capacity=100,
    )
    starts = event.starts_at
    hall = Room.objects.create(event=event, name="Kaisersaal", capacity=200)
    speaker = Speaker.objects.create(
        event=event, name="Dr. Anna Weber", organisation_name="TU Clausthal", bio="Forscht."
    )
    talk = ProgrammeItem.objects.create(
        event=event,
        title="Indium aus Zinkrückständen",
        abstract="Wie aus Rückständen Rohstoffe werden.",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        room=hall,
    )
    talk.speakers.set([speaker])
    ProgrammeItem.objects.create(
        event=event,
        kind="workshop_session",
        title="Laborführung",
        starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=2),
        room=hall,
        capacity=12,
    )
    Stand.objects.create(
        event=event,
        organisation=organisation,
        kind="booth",
        description="Sortierung von Elektronikschrott.",
        status="confirmed",
        number="A07",
        area="Foyer",
    )
    guest = make_attendee(
        event,
        name="Jana Gast",
        email="jana@example.org",
        organisation_name="Stadtwerke Goslar",
        list_consent=True,
    )
    make_attendee(
        event, user=member, name="Ben Krause", email=member.email, organisation=organisation
    )
    return event, talk, guest


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_events_pages(new_page, forum, language, viewport):
    from events.models import Registration

    event, talk, guest = forum
    pending = Registration.objects.create(
        event=event, name="Paul Prüfer", email="paul@example.org", status="pending"
    )
    page = new_page()

    axe_check_pages(
        page,
        [
            (url(language, "events:list"), 200),
            (url(language, "events:detail", slug=event.slug), 200),
            (url(language, "events:item", slug=event.slug, pk=talk.pk), 200),
            (url(language, "events:exhibitors", slug=event.slug), 200),
            (url(language, "events:register", slug=event.slug), 200),
            (url(language, "events:registration", token=guest.token), 200),
            (url(language, "events:registration_cancel", token=guest.token), 200),
            (url(language, "events:guest_confirm", token=pending.token), 200),
            (url(language, "events:register_sent", slug=event.slug), 200),
        ],
        language,
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_member_and_staff_events_pages(new_page, forum, language, viewport):
    event, _talk, guest = forum
    member = new_page()
    login(member, "ben.krause@example.org", PASSWORD, language)
    axe_check_pages(
        member,
        [
            (url(language, "events:my_registrations"), 200),
            (url(language, "events:attendees", slug=event.slug), 200),
            (url(language, "events:stand_apply", slug=event.slug), 200),
            (url(language, "events:stand_withdraw", slug=event.slug), 200),
        ],
        language,
    )
    staff = new_page()
    login(staff, "orga@example.org", PASSWORD, language)
    axe_check_pages(
        staff,
        [
            (url(language, "events:checkin", slug=event.slug) + "?q=Jana", 200),
            (url(language, "events:checkin_code", code=guest.checkin_code), 200),
        ],
        language,
    )
