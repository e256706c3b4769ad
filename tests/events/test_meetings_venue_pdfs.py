"""The venue's PDFs of B2B meetings (issue 14, item 5): per place a sign (the place's name,
the event, a QR code) and a list of its meetings (time, both parties); organisers only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.models import BERLIN
from events.services import meetings as services
from tests.events.test_meetings import accepted_pair, attendee, meeting_event, opted_in
from tests.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_one_sign_per_place_with_its_name_and_the_event(client):
    event = meeting_event(places=3)
    client.force_login(organiser())

    pages = _pages(client.get(reverse("events:meeting_signs_pdf", args=[event.slug])))

    assert len(pages) == 3
    for index, text in enumerate(pages):
        assert f"Tisch {index + 1:02d}" in text and event.title in text


def test_the_list_per_place_has_each_meeting_with_time_and_both_parties(client):
    event = meeting_event(slots=3, places=2)
    a, b, first = accepted_pair(event)
    c = attendee(event)
    pc = opted_in(event, c)
    second = services.meeting_answer(
        request=services.meeting_request_send(event=event, actor=a, recipient=pc, message=""),
        actor=c,
        accept=True,
    )
    client.force_login(organiser())

    pages = _pages(client.get(reverse("events:meeting_lists_pdf", args=[event.slug])))

    assert len(pages) == 2
    table_one = pages[0]
    assert "Tisch 01" in table_one
    for meeting in (first, second):
        assert meeting.place.name == "Tisch 01" or meeting.place.name in pages[1]
    start = first.slot.starts_at.astimezone(BERLIN).strftime("%H:%M")
    assert start in table_one
    assert a.get_full_name() in table_one and b.get_full_name() in table_one
    assert c.get_full_name() in "".join(pages)


def test_venue_pdfs_are_for_organisers_only(client):
    event = meeting_event()
    urls = [
        reverse("events:meeting_signs_pdf", args=[event.slug]),
        reverse("events:meeting_lists_pdf", args=[event.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404


def test_a_long_place_name_still_fits_its_one_page(client):
    from events.models_meetings import MeetingPlace

    event = meeting_event(places=1)
    MeetingPlace.objects.create(event=event, name="Besprechungsraum 2 im Obergeschoss, Westflügel")
    client.force_login(organiser())

    pages = _pages(client.get(reverse("events:meeting_signs_pdf", args=[event.slug])))

    assert len(pages) == 2 and "Westflügel" in pages[0] + pages[1]
