"""The personal agenda, "Mein Programm" (issue 16, item 4): stars by members and by guests
through their registration link, the agenda page by day with clashes, the calendar feed,
the one-page PDF, and the session sign-up offered there."""

from __future__ import annotations

import io
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.models import AgendaStar, CalendarFeed, SessionSignup
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory(slug="forum", title="Forum Harz")


def _star(client, item, starred="1", **extra):
    return client.post(
        reverse("events:star", args=[item.event.slug, item.pk]), {"starred": starred, **extra}
    )


def test_member_stars_once_even_on_a_double_click_and_unstars(client, member, event):
    item = ProgrammeItemFactory(event=event)
    client.force_login(member)

    first = _star(client, item)
    second = _star(client, item)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("events:agenda", args=[event.slug])
    assert AgendaStar.objects.filter(item=item, user=member).count() == 1
    _star(client, item, "0")
    _star(client, item, "0")
    assert not AgendaStar.objects.filter(item=item).exists()


def test_agenda_lists_starred_items_by_day_with_clashes(client, member, event):
    room = RoomFactory(event=event, name="Aula")
    start = event.starts_at
    early = ProgrammeItemFactory(event=event, title="Frühes Panel", room=room)
    clash = ProgrammeItemFactory(
        event=event, title="Gleichzeitiger Workshop", starts_at=start + timedelta(minutes=15)
    )
    later = ProgrammeItemFactory(
        event=event, title="Späterer Vortrag", starts_at=start + timedelta(hours=3)
    )
    ProgrammeItemFactory(event=event, title="Nicht gewählt")
    client.force_login(member)
    for item in (later, clash, early):
        _star(client, item)

    response = client.get(reverse("events:agenda", args=[event.slug]))

    assert response.status_code == 200
    [(_day, items)] = response.context["days"]
    assert [item.title for item in items] == [early.title, clash.title, later.title]
    assert [other.pk for other in items[0].conflicts] == [clash.pk]
    assert [other.pk for other in items[1].conflicts] == [early.pk]
    assert items[2].conflicts == []
    assert [item.title for item in response.context["others"]] == ["Nicht gewählt"]
    content = response.content.decode()
    assert content.count('class="list-group-item agenda-conflict"') == 2


def test_guest_stars_through_their_registration_link(client, event):
    guest = RegistrationFactory(event=event)
    item = ProgrammeItemFactory(event=event, title="Gastvortrag")

    response = _star(client, item, token=guest.token)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:agenda_guest", args=[guest.token])
    assert AgendaStar.objects.get().registration == guest
    page = client.get(response["Location"])
    assert [i.title for _day, items in page.context["days"] for i in items] == ["Gastvortrag"]
    manage = client.get(guest.get_absolute_url()).content.decode()
    assert reverse("events:agenda_guest", args=[guest.token]) in manage


def test_a_guest_link_stars_nothing_of_another_event(client, event):
    guest = RegistrationFactory(event=event)
    other = ProgrammeItemFactory(event=EventFactory(slug="anderes"))

    assert _star(client, other, token=guest.token).status_code == 404
    assert not AgendaStar.objects.exists()


def test_a_cancelled_registration_stars_nothing(client, event):
    gone = RegistrationFactory(event=event, cancelled=True)
    item = ProgrammeItemFactory(event=event)

    assert _star(client, item, token=gone.token).status_code == 404
    assert client.get(reverse("events:agenda_guest", args=[gone.token])).status_code == 404
    assert not AgendaStar.objects.exists()


def test_items_of_a_cancelled_event_are_not_starred(client, member):
    item = ProgrammeItemFactory(event=EventFactory(cancelled=True))
    client.force_login(member)

    assert _star(client, item).status_code == 404
    assert not AgendaStar.objects.exists()


def test_visitors_log_in_to_star(client, event):
    item = ProgrammeItemFactory(event=event)

    response = _star(client, item)

    assert response["Location"].startswith(reverse("account_login"))
    assert not AgendaStar.objects.exists()


@pytest.mark.parametrize("data", [{}, {"starred": "yes"}, {"starred": "1", "token": "x" * 65}])
def test_bad_star_forms_answer_400(client, member, event, data):
    item = ProgrammeItemFactory(event=event)
    client.force_login(member)

    response = client.post(reverse("events:star", args=[event.slug, item.pk]), data)

    assert response.status_code == 400
    assert not AgendaStar.objects.exists()


def test_star_returns_to_a_page_of_this_site_only(client, member, event):
    item = ProgrammeItemFactory(event=event)
    client.force_login(member)
    programme = reverse("events:programme", args=[event.slug])

    assert _star(client, item, next=programme)["Location"] == programme
    away = _star(client, item, next="https://evil.example/")
    assert away["Location"] == reverse("events:agenda", args=[event.slug])
    assert _star(client, item, next="1e400")["Location"] == away["Location"]


def test_programme_grid_and_item_page_show_the_star(client, member, event):
    starred = ProgrammeItemFactory(event=event, title="Gemerkt")
    ProgrammeItemFactory(event=event, title="Offen")
    client.force_login(member)
    _star(client, starred)

    grid = client.get(reverse("events:programme", args=[event.slug])).content.decode()
    page = client.get(reverse("events:item", args=[event.slug, starred.pk])).content.decode()

    assert grid.count('aria-pressed="true"') == 1
    assert grid.count('aria-pressed="false"') == 1
    assert 'aria-pressed="true"' in page


def test_anonymous_programme_has_no_star_buttons(client, event):
    ProgrammeItemFactory(event=event)

    grid = client.get(reverse("events:programme", args=[event.slug])).content.decode()

    assert "aria-pressed" not in grid


def _events_of(data: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(data)
    return [str(component["SUMMARY"]) for component in calendar.walk("VEVENT")]


def test_starred_items_enter_the_personal_feed_once(client, member, event):
    registration = RegistrationFactory(event=event, user=member, email=member.email)
    session = ProgrammeItemFactory(event=event, title="Workshop mit Plätzen", capacity=5)
    SessionSignup.objects.create(registration=registration, item=session)
    talk = ProgrammeItemFactory(event=event, title="Gemerkter Vortrag")
    elsewhere = ProgrammeItemFactory(title="Vortrag ohne Anmeldung")
    draft_item = ProgrammeItemFactory(event=EventFactory(draft=True), title="Entwurf")
    client.force_login(member)
    for item in (session, talk, elsewhere):
        _star(client, item)
    AgendaStar.objects.create(item=draft_item, user=member)
    feed = CalendarFeed.objects.create(user=member)

    summaries = _events_of(client.get(feed.get_absolute_url()).content)

    assert sorted(summaries) == [
        "Forum Harz",
        "Gemerkter Vortrag (Forum Harz)",
        f"Vortrag ohne Anmeldung ({elsewhere.event.title})",
        "Workshop mit Plätzen (Forum Harz)",
    ]


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@pytest.mark.parametrize("count", [1, 30])
def test_agenda_pdf_is_one_page(client, member, event, count):
    room = RoomFactory(event=event, name="Hörsaal 2")
    speaker = SpeakerFactory(event=event, name="Dr. Anna Berg")
    for n in range(count):
        item = ProgrammeItemFactory(
            event=event,
            title=f"Punkt {n:02d} Schwarzmasse",
            starts_at=event.starts_at + timedelta(minutes=15 * n),
            room=room,
            speakers=[speaker],
        )
        AgendaStar.objects.create(item=item, user=member)
    client.force_login(member)

    response = client.get(reverse("events:agenda_pdf", args=[event.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(response.content)
    assert pages == 1
    assert "Punkt 00 Schwarzmasse" in text
    assert f"Punkt {count - 1:02d} Schwarzmasse" in text
    assert "Forum Harz" in text


def test_guest_pdf_carries_their_name(client, event):
    guest = RegistrationFactory(event=event, name="Erika Gast")
    AgendaStar.objects.create(
        item=ProgrammeItemFactory(event=event, title="Gastpunkt"), registration=guest
    )

    response = client.get(reverse("events:agenda_guest_pdf", args=[guest.token]))

    pages, text = _pdf_text(response.content)
    assert pages == 1
    assert "Erika Gast" in text and "Gastpunkt" in text


def test_sessions_with_capacity_offer_the_sign_up(client, member, event):
    registration = RegistrationFactory(event=event, user=member, email=member.email)
    session = ProgrammeItemFactory(event=event, title="Laborführung", capacity=2)
    AgendaStar.objects.create(item=session, user=member)
    client.force_login(member)
    url = reverse("events:agenda", args=[event.slug])

    assert 'name="action" value="signup"' in client.get(url).content.decode()
    first = client.post(url, {"action": "signup", "item": session.pk})
    second = client.post(url, {"action": "signup", "item": session.pk})

    assert first.status_code == second.status_code == 302
    signup = SessionSignup.objects.get(registration=registration, item=session)
    assert signup.status == SessionSignup.Status.CONFIRMED
    page = client.get(url).context
    assert page["days"][0][1][0].signup_status == "confirmed"


def test_sign_up_for_an_item_without_capacity_is_refused(client, member, event):
    RegistrationFactory(event=event, user=member, email=member.email)
    talk = ProgrammeItemFactory(event=event)
    client.force_login(member)
    url = reverse("events:agenda", args=[event.slug])

    assert client.post(url, {"action": "signup", "item": talk.pk}).status_code == 400
    assert client.post(url, {"action": "signup", "item": "x"}).status_code == 400
    assert client.post(url, {"action": "other"}).status_code == 404
    assert not SessionSignup.objects.exists()


def test_sign_up_without_registration_is_refused(client, member, event):
    session = ProgrammeItemFactory(event=event, capacity=3)
    client.force_login(member)

    response = client.post(
        reverse("events:agenda", args=[event.slug]), {"action": "signup", "item": session.pk}
    )

    assert response.status_code == 400
    assert not SessionSignup.objects.exists()


@pytest.mark.parametrize("count", [1, 30])
def test_agenda_queries_constant(client, member, event, django_assert_num_queries, count):
    rooms = [RoomFactory(event=event) for _ in range(4)]
    speakers = [SpeakerFactory(event=event) for _ in range(3)]
    RegistrationFactory(event=event, user=member, email=member.email)
    for n in range(count):
        item = ProgrammeItemFactory(
            event=event,
            starts_at=event.starts_at + timedelta(minutes=20 * n),
            room=rooms[n % 4],
            speakers=speakers[: n % 3 + 1],
            capacity=10 if n % 5 == 0 else None,
        )
        AgendaStar.objects.create(item=item, user=member)
    ProgrammeItemFactory(event=event)
    client.force_login(member)

    with django_assert_num_queries(
        11
    ):  # +1: the member's B2B meetings (issue 14); -1: session from the cache (17)
        response = client.get(reverse("events:agenda", args=[event.slug]))

    assert response.status_code == 200
    assert response.context["starred_count"] == count


@pytest.mark.parametrize("count", [1, 30])
def test_guest_agenda_queries_constant(client, event, django_assert_num_queries, count):
    guest = RegistrationFactory(event=event)
    for n in range(count):
        item = ProgrammeItemFactory(event=event, starts_at=event.starts_at + timedelta(hours=n))
        AgendaStar.objects.create(item=item, registration=guest)

    with django_assert_num_queries(6):
        response = client.get(reverse("events:agenda_guest", args=[guest.token]))

    assert response.status_code == 200
    assert response.context["starred_count"] == count


def test_the_database_holds_one_star_per_holder_and_item(member, event):
    from django.db import IntegrityError, transaction

    item = ProgrammeItemFactory(event=event)
    AgendaStar.objects.create(item=item, user=member)

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaStar.objects.create(item=item, user=member)
    guest = RegistrationFactory(event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaStar.objects.create(item=item, user=member, registration=guest)


@pytest.mark.parametrize("count", [1, 30])
def test_feed_with_stars_queries_constant(client, member, django_assert_num_queries, count):
    for _n in range(count):
        other = EventFactory()
        item = ProgrammeItemFactory(event=other, speakers=[SpeakerFactory(event=other)])
        AgendaStar.objects.create(item=item, user=member)
    feed = CalendarFeed.objects.create(user=member)

    # The feed, the registrations (none: no prefetch), the starred items, their speakers.
    with django_assert_num_queries(4):
        response = client.get(feed.get_absolute_url())

    assert len(_events_of(response.content)) == count
