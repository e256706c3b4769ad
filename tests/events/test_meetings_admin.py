"""Meetings in the admin (issue 14): an organiser (not a superuser) switches meetings on and
fills a day's window with slots; a slot or place with a meeting offers no delete."""

from datetime import time

import pytest
from django.urls import reverse

from events.models import BERLIN
from events.models_meetings import MeetingSettings, MeetingSlot
from tests.events.test_meetings import accepted_pair, meeting_event
from tests.factories import EventFactory, organiser

pytestmark = pytest.mark.django_db


def test_an_organiser_switches_meetings_on_and_generates_slots(client):
    event = EventFactory()
    client.force_login(organiser())
    day = event.starts_at.astimezone(BERLIN).date()
    response = client.post(
        reverse("admin:events_meetingsettings_add"),
        {
            "event": event.pk,
            "enabled": "on",
            "slot_minutes": 30,
            "expiry_hours": 48,
            "window_day": day.isoformat(),
            "window_start": "13:00",
            "window_end": "15:00",
        },
    )
    assert response.status_code == 302
    settings = MeetingSettings.objects.get(event=event)
    assert (settings.enabled, settings.expiry_hours) == (True, 48)
    starts = [
        s.starts_at.astimezone(BERLIN).time() for s in MeetingSlot.objects.filter(event=event)
    ]
    assert starts == [time(13), time(13, 30), time(14), time(14, 30)]


def test_a_half_given_window_is_refused_with_a_message(client):
    event = EventFactory()
    client.force_login(organiser())
    response = client.post(
        reverse("admin:events_meetingsettings_add"),
        {"event": event.pk, "slot_minutes": 20, "expiry_hours": 72, "window_start": "13:00"},
    )
    assert response.status_code == 200  # the admin shows the form again
    assert not MeetingSettings.objects.exists()
    assert not MeetingSlot.objects.exists()


def test_a_booked_slot_offers_no_delete(client):
    event = meeting_event(slots=2)
    _a, _b, meeting = accepted_pair(event)
    client.force_login(organiser())
    booked = reverse("admin:events_meetingslot_delete", args=[meeting.slot_id])
    assert client.get(booked).status_code == 403
    free = event.meeting_slots.exclude(pk=meeting.slot_id).get()
    response = client.post(
        reverse("admin:events_meetingslot_delete", args=[free.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert list(event.meeting_slots.all()) == [meeting.slot]


def test_the_settings_list_links_every_organiser_page_of_the_meetings(client):
    event = meeting_event(slots=2, places=1)
    client.force_login(organiser())

    page = client.get(reverse("admin:events_meetingsettings_changelist")).content.decode()

    for url in (
        reverse("admin:events_event_meetings_schedule", args=[event.pk]),
        reverse("events:meeting_figures", args=[event.slug]),
        reverse("events:meeting_signs_pdf", args=[event.slug]),
        reverse("events:meeting_lists_pdf", args=[event.slug]),
    ):
        assert f'href="{url}"' in page
