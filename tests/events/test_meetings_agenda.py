"""B2B meetings in the personal agenda (issue 14, item 5): the page, the calendar feed and
the agenda PDF show a person's scheduled meetings (time, place, other side) in time order
with their starred items; in organiser mode only once the schedule is published."""

import io
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.models import BERLIN, AgendaStar, CalendarFeed
from events.models_meetings import MeetingSettings
from events.selectors_meetings_outcomes import agenda_meetings
from events.services import meetings as services
from tests.events.test_meetings import accepted_pair, attendee, meeting_event, opted_in
from tests.factories import ProgrammeItemFactory

pytestmark = pytest.mark.django_db


def _slot_time(request):
    return request.slot.starts_at.astimezone(BERLIN).strftime("%H:%M")


def test_the_agenda_lists_the_meeting_between_starred_items_by_time(client):
    event = meeting_event(slots=3, places=1)
    a, b, request = accepted_pair(event)
    start = request.slot.starts_at
    before = ProgrammeItemFactory(event=event, title="Vorher", starts_at=start - timedelta(hours=1))
    after = ProgrammeItemFactory(event=event, title="Nachher", starts_at=start + timedelta(hours=1))
    for item in (after, before):
        AgendaStar.objects.create(item=item, user=a)
    client.force_login(a)

    page = client.get(reverse("events:agenda", args=[event.slug]))

    text = page.content.decode()
    assert page.status_code == 200 and page.context["meeting_count"] == 1
    row = text[text.index(f'data-meeting="{request.pk}"') :]
    assert _slot_time(request) in row[:600] and "Tisch 01" in row[:600]
    assert b.get_full_name() in row[:800]
    assert text.index("Vorher") < text.index(f'data-meeting="{request.pk}"') < text.index("Nachher")


def test_the_other_side_sees_the_meeting_too_and_strangers_do_not(client):
    event = meeting_event()
    a, b, request = accepted_pair(event)
    stranger = attendee(event)

    assert [m.pk for m in agenda_meetings(event, b)] == [request.pk]
    assert agenda_meetings(event, b)[0].other.registration.user_id == a.pk
    assert agenda_meetings(event, stranger) == []


def test_pending_declined_and_cancelled_requests_are_not_in_the_agenda():
    event = meeting_event()
    a, b = attendee(event), attendee(event)
    opted_in(event, a)
    pb = opted_in(event, b)
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    assert agenda_meetings(event, a) == []
    services.meeting_answer(request=request, actor=b, accept=True)
    assert len(agenda_meetings(event, a)) == 1
    services.meeting_cancel(request=request, actor=b)
    assert agenda_meetings(event, a) == []


def test_organiser_mode_shows_meetings_only_once_the_schedule_is_published():
    settings = MeetingSettings(mode=MeetingSettings.Mode.IMMEDIATE)
    assert settings.schedule_visible is True
    settings.mode = MeetingSettings.Mode.ORGANISER
    assert settings.schedule_visible is False
    settings.schedule_published_at = datetime(2099, 1, 1, tzinfo=UTC)
    assert settings.schedule_visible is True


def test_a_meeting_of_an_event_without_meeting_settings_is_not_shown():
    event = meeting_event()
    a, _b, _request = accepted_pair(event)
    MeetingSettings.objects.filter(event=event).delete()

    assert agenda_meetings(event, a) == []


def test_the_calendar_feed_holds_the_meeting_with_time_place_and_other_side(client):
    event = meeting_event()
    a, b, request = accepted_pair(event)
    feed = CalendarFeed.objects.create(user=a)

    response = client.get(feed.get_absolute_url())

    calendar = icalendar.Calendar.from_ical(response.content)
    meetings = [c for c in calendar.walk("VEVENT") if str(c["UID"]).startswith("meeting-")]
    assert len(meetings) == 1
    entry = meetings[0]
    assert entry["DTSTART"].dt == request.slot.starts_at
    assert entry["DTEND"].dt == request.slot.ends_at
    assert str(entry["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert "Tisch 01" in str(entry["LOCATION"])
    assert b.get_full_name() in str(entry["SUMMARY"])


@pytest.mark.parametrize("count", [1, 30])
def test_the_feed_with_meetings_needs_the_same_queries(client, django_assert_num_queries, count):
    event = meeting_event(slots=count, places=1)
    a = attendee(event)
    pa = opted_in(event, a)
    for _n in range(count):
        other = attendee(event)
        opted_in(event, other)
        request = services.meeting_request_send(event=event, actor=other, recipient=pa, message="")
        services.meeting_answer(request=request, actor=a, accept=True)
    feed = CalendarFeed.objects.create(user=a)

    # The feed, the registrations, their sessions, the meetings (with both sides and slots).
    with django_assert_num_queries(4):
        response = client.get(feed.get_absolute_url())

    calendar = icalendar.Calendar.from_ical(response.content)
    assert len([c for c in calendar.walk("VEVENT") if "meeting-" in str(c["UID"])]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_the_agenda_with_meetings_needs_the_same_queries(client, django_assert_num_queries, count):
    event = meeting_event(slots=count, places=1)
    a = attendee(event)
    pa = opted_in(event, a)
    for _n in range(count):
        other = attendee(event)
        opted_in(event, other)
        request = services.meeting_request_send(event=event, actor=other, recipient=pa, message="")
        services.meeting_answer(request=request, actor=a, accept=True)
    client.force_login(a)

    with django_assert_num_queries(
        10
    ):  # the meetings: one query (+1 for their outcomes); -1: session from the cache (17)
        response = client.get(reverse("events:agenda", args=[event.slug]))

    assert response.context["meeting_count"] == count


def test_the_agenda_pdf_lists_the_meeting(client):
    event = meeting_event()
    a, b, request = accepted_pair(event)
    client.force_login(a)

    response = client.get(reverse("events:agenda_pdf", args=[event.slug]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Tisch 01" in text and b.get_full_name() in text and _slot_time(request) in text


def test_a_meeting_overlapping_a_starred_item_is_marked_on_both(client):
    event = meeting_event()
    a, b, request = accepted_pair(event)
    start = request.slot.starts_at
    talk = ProgrammeItemFactory(
        event=event,
        title="Parallelvortrag",
        starts_at=start - timedelta(minutes=10),
        ends_at=start + timedelta(minutes=20),
    )
    AgendaStar.objects.create(item=talk, user=a)
    client.force_login(a)

    text = client.get(reverse("events:agenda", args=[event.slug])).content.decode()

    meeting_row = text[text.index(f'data-meeting="{request.pk}"') :][:1500]
    talk_row = text[text.index(f'id="agenda-{talk.pk}"') :][:1500]
    assert "Parallelvortrag" in meeting_row and "agenda-conflict" in text
    assert f"Treffen mit {b.get_full_name()}" in talk_row
