"""The download views: programme PDF (latest build, built on first request), badges
(organisers only), who gets a 404."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from events import tasks
from events.models import Event
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.factories import organiser as make_organiser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def content(response) -> bytes:
    """The streamed body; reading it to the end closes the file (the test client then sends
    request_finished with the database connection kept)."""
    return b"".join(response.streaming_content)


def status(response) -> int:
    content(response)
    return response.status_code


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_programme_pdf_is_built_on_first_request_then_served(client):
    event = EventFactory(title="Forum Kreislaufwirtschaft")
    ProgrammeItemFactory(event=event, title="Indium aus Zinkrückständen")

    response = client.get(f"/events/{event.slug}/programme.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-programme.pdf"'
    assert "Indium aus Zinkrückständen" in pdf_text(content(response))
    event.refresh_from_db()
    first_name = event.programme_pdf.name
    assert first_name and event.programme_pdf_built_at is not None
    # The next request serves the stored build, even after the programme changed.
    ProgrammeItemFactory(event=event, title="Neu im Programm")
    again = client.get(f"/en/events/{event.slug}/programme.pdf")
    assert "Neu im Programm" not in pdf_text(content(again))
    event.refresh_from_db()
    assert event.programme_pdf.name == first_name


def test_programme_pdf_serves_the_latest_build(client, media):
    event = EventFactory()
    tasks.build_programme_pdf(event.pk)
    old = Event.objects.get(pk=event.pk).programme_pdf.name
    ProgrammeItemFactory(event=event, title="Nachgereichter Vortrag")

    tasks.build_programme_pdf(event.pk)  # as the admin action queues it

    event.refresh_from_db()
    assert event.programme_pdf.name != old  # a new name per build
    assert "Nachgereichter Vortrag" in pdf_text(
        content(client.get(f"/events/{event.slug}/programme.pdf"))
    )


def test_programme_pdf_rebuilt_when_the_file_went_missing(client):
    event = EventFactory()
    tasks.build_programme_pdf(event.pk)
    event.refresh_from_db()
    event.programme_pdf.storage.delete(event.programme_pdf.name)

    response = client.get(f"/events/{event.slug}/programme.pdf")

    assert content(response).startswith(b"%PDF") and response.status_code == 200


def test_programme_pdf_of_draft_is_404_except_for_organisers(client):
    draft = EventFactory(draft=True)

    assert client.get(f"/events/{draft.slug}/programme.pdf").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/events/{draft.slug}/programme.pdf").status_code == 404
    client.force_login(make_organiser())
    assert status(client.get(f"/events/{draft.slug}/programme.pdf")) == 200


def test_programme_pdf_of_unknown_event_is_404(client):
    assert client.get("/events/gibt-es-nicht/programme.pdf").status_code == 404


def test_programme_pdf_refuses_post(client):
    event = EventFactory()

    assert client.post(f"/events/{event.slug}/programme.pdf").status_code == 405


def test_badges_for_organisers_only(client):
    event = EventFactory()
    RegistrationFactory(event=event, name="Katrin Berger")
    url = f"/events/{event.slug}/badges.pdf"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    member = UserFactory()
    MembershipFactory(user=member)
    client.force_login(member)
    assert client.get(url).status_code == 404
    staff = UserFactory(is_staff=True)  # staff, but not an organiser
    client.force_login(staff)
    assert client.get(url).status_code == 404
    client.force_login(make_organiser())
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Katrin Berger" in pdf_text(content(response))


def test_badges_serve_the_latest_build(client):
    event = EventFactory()
    RegistrationFactory(event=event, name="Erste Person")
    tasks.build_badges(event.pk)
    RegistrationFactory(event=event, name="Zweite Person")
    client.force_login(make_organiser())

    before = pdf_text(content(client.get(f"/events/{event.slug}/badges.pdf")))
    tasks.build_badges(event.pk)
    after = pdf_text(content(client.get(f"/events/{event.slug}/badges.pdf")))

    assert "Zweite Person" not in before and "Zweite Person" in after


def test_badges_of_unknown_event_is_404_for_organisers(client):
    client.force_login(make_organiser())

    assert client.get("/events/gibt-es-nicht/badges.pdf").status_code == 404
