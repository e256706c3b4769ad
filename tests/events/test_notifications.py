"""Every event email by its content, in German and English, produced by the real services:
subject, text, links (the manage/cancel link in each), and the files parsed back (the .ics
with icalendar, the check-in QR code as a PNG whose modules are those of the check-in URL).

Expected texts come from the catalogue (``gettext`` of the msgid in the recipient's
language), so they hold for the German translation as for the English source."""

from __future__ import annotations

import email
import io
from datetime import datetime, timedelta

import icalendar
import pytest
import segno
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from PIL import Image

from events import notifications, qr
from events import services as event_services
from events.models import BERLIN, Registration, SessionSignup
from forum.notifications.models import EmailState, Notification
from forum.notifications.services import notification_deliver_batch
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
    UserFactory,
)
from tests.factories import organiser as make_organiser

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]


def tr(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def prefix(language: str) -> str:
    return settings.SITE_URL + ("/en" if language == "en" else "")


def messages_of(kind: str) -> list:
    ids = {str(pk) for pk in Notification.objects.filter(kind=kind).values_list("pk", flat=True)}
    return [m for m in mail.outbox if m.extra_headers.get("X-Forum-Notification") in ids]


def only_message(kind: str):
    (message,) = messages_of(kind)
    return message


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def ics_of(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[2] == "text/calendar"]
    assert attachment[0].endswith(".ics")
    return icalendar.Calendar.from_ical(attachment[1])


def summaries(calendar: icalendar.Calendar) -> list[str]:
    return [str(component["SUMMARY"]) for component in calendar.walk("VEVENT")]


def qr_part(message):
    """The inline PNG of the parsed MIME message, with its parent part's type."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    for part in parsed.walk():
        if part.is_multipart():
            for child in part.get_payload():
                if child.get_content_type() == "image/png":
                    return part.get_content_type(), child
    raise AssertionError("no inline PNG")


def assert_png_encodes(png: bytes, url: str):
    """The image's dark modules are exactly those of the QR code of ``url`` (scale 6,
    quiet zone 4, as qr.checkin_png makes it)."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    matrix = segno.make_qr(url, error="m").matrix
    grey = image.convert("L")
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            pixel = grey.getpixel(((col + 4) * 6 + 3, (row + 4) * 6 + 3))
            assert (pixel < 128) == bool(dark), (row, col)


def assert_manage_link(message, registration, language):
    url = f"{prefix(language)}/events/registrations/{registration.token}/"
    assert url in message.body
    assert f'href="{url}"' in html_of(message)
    assert tr(language, "See, change or cancel your registration:") in message.body


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Runs the on-commit dispatch, so notifications are delivered (eager Celery)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def workshop(db):
    event = EventFactory(title="Workshop Schwarzmasse", capacity=1)
    room = RoomFactory(event=event, name="Raum Oker")
    speaker = SpeakerFactory(event=event, name="Dr. Anna Weber", organisation_name="TU Clausthal")
    session = ProgrammeItemFactory(
        event=event,
        kind="workshop_session",
        title="Laborführung Hydrometallurgie",
        room=room,
        capacity=1,
        speakers=[speaker],
    )
    return event, session


def register_guest(event, language, deliver, *, email="gast@example.org", sessions=()):
    with deliver():
        registration, _created = event_services.registration_create(
            event=event,
            actor=None,
            name="Jana Gast",
            email=email,
            organisation_name="Stadtwerke Goslar",
            sessions=list(sessions),
            language=language,
        )
    return registration


# --- guest confirmation --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_confirmation_email_has_the_secret_link(workshop, language, deliver):
    event, _session = workshop

    registration = register_guest(event, language, deliver)

    message = only_message("events.guest_confirmation")
    assert message.to == ["gast@example.org"]
    assert message.subject == tr(
        language, "Please confirm your registration: %(title)s", title=event.title
    )
    confirm = f"{prefix(language)}/events/registrations/{registration.token}/confirm/"
    assert confirm in message.body and f'href="{confirm}"' in html_of(message)
    assert tr(language, "Hello %(name)s,", name="Jana Gast") in message.body
    assert f'<html lang="{language}">' in html_of(message)
    assert_manage_link(message, registration, language)
    assert message.attachments == []
    # The secret is not kept in the outbox, neither before nor after sending.
    notification = Notification.objects.get(kind="events.guest_confirmation")
    assert notification.email_state == EmailState.SENT
    assert registration.token not in str(notification.context)
    assert notification.recipient is None and notification.language == language


def test_guest_confirmation_context_never_holds_the_token(workshop):
    event, _session = workshop
    registration = RegistrationFactory(event=event, pending=True)

    notification = notifications.guest_confirmation_requested(registration)

    assert registration.token not in str(notification.context)
    assert notification.context["registration_id"] == registration.pk


# --- confirmed, with calendar and QR code --------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_email_has_calendar_and_qr_code(workshop, language, deliver):
    event, session = workshop
    registration = register_guest(event, language, deliver, sessions=[session])
    mail.outbox.clear()

    with deliver():
        registration, _changed = event_services.guest_confirm(registration=registration)

    assert registration.status == Registration.Status.CONFIRMED
    message = only_message("events.registration_confirmed")
    assert message.subject == tr(language, "Registration confirmed: %(title)s", title=event.title)
    assert tr(language, "Your registration is confirmed. We look forward to seeing you!") in (
        message.body
    )
    assert event.title in message.body and "TU Clausthal, Aula" in message.body
    assert_manage_link(message, registration, language)
    # The calendar: the event and the person's workshop session, Berlin time.
    calendar = ics_of(message)
    assert calendar["METHOD"] == "PUBLISH"
    assert summaries(calendar) == [event.title, f"{session.title} ({event.title})"]
    first = calendar.walk("VEVENT")[0]
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert first["DTSTART"].dt == timezone.localtime(event.starts_at, BERLIN)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    # The QR code: inline beside the HTML, shown by cid, its URL in the text part.
    checkin = f"{settings.SITE_URL}/events/check-in/{registration.checkin_code}/"
    assert checkin in message.body
    parent, png = qr_part(message)
    assert parent == "multipart/related"
    cid = png["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_of(message)
    assert png.get_content_disposition() == "inline"
    assert_png_encodes(png.get_payload(decode=True), checkin)


def test_confirmation_email_mime_structure(workshop, deliver):
    event, _session = workshop
    registration = register_guest(event, "de", deliver)
    mail.outbox.clear()
    with deliver():
        event_services.guest_confirm(registration=registration)

    parsed = email.message_from_bytes(
        only_message("events.registration_confirmed").message().as_bytes()
    )
    assert parsed.get_content_type() == "multipart/mixed"
    body, calendar = parsed.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    text, related = body.get_payload()
    assert text.get_content_type() == "text/plain"
    assert [p.get_content_type() for p in related.get_payload()] == ["text/html", "image/png"]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_filename() == f"{event.slug}.ics"


def test_confirmation_not_sent_when_cancelled_before_delivery(workshop, deliver):
    event, _session = workshop
    registration = RegistrationFactory(event=event)
    notification = notifications.registration_confirmed(registration)
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")

    notification_deliver_batch(notification_ids=[notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.SKIPPED
    assert mail.outbox == []


# --- waiting list and promotion -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_waitlisted_then_promoted_emails(workshop, language, deliver):
    event, _session = workshop
    seated = RegistrationFactory(event=event, language=language, name="Sitz Inhaberin")
    registration = register_guest(event, language, deliver)
    with deliver():
        event_services.guest_confirm(registration=registration)

    message = only_message("events.registration_waitlisted")
    assert message.subject == tr(
        language, "You are on the waiting list: %(title)s", title=event.title
    )
    assert (
        tr(
            language,
            "The event is fully booked, so you are on the waiting list. If a seat becomes free, "
            "it is yours automatically and we will tell you by email.",
        )
        in message.body
    )
    assert message.attachments == []
    assert_manage_link(message, registration, language)

    with deliver():
        event_services.registration_cancel(registration=seated)

    cancelled = only_message("events.registration_cancelled")
    assert cancelled.to == [seated.email]
    assert cancelled.subject == tr(language, "Registration cancelled: %(title)s", title=event.title)
    assert_manage_link(cancelled, seated, language)
    promoted = only_message("events.registration_promoted")
    assert promoted.to == ["gast@example.org"]
    assert promoted.subject == tr(language, "A seat is free for you: %(title)s", title=event.title)
    assert (
        tr(
            language,
            "Good news: a seat has become free and is now yours. Your registration is confirmed.",
        )
        in promoted.body
    )
    assert summaries(ics_of(promoted)) == [event.title]
    registration.refresh_from_db()
    _parent, png = qr_part(promoted)
    assert_png_encodes(png.get_payload(decode=True), qr.checkin_url(registration))
    assert_manage_link(promoted, registration, language)


# --- event cancelled ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_event_cancelled_email_to_everyone_registered(workshop, language, deliver):
    event, _session = workshop
    confirmed = RegistrationFactory(event=event, language=language)
    waiting = RegistrationFactory(event=event, waitlisted=True, language=language)
    RegistrationFactory(event=event, pending=True, language=language)
    RegistrationFactory(event=event, cancelled=True, language=language)

    with deliver():
        event_services.event_cancel(event=event, actor=make_organiser())

    messages = messages_of("events.event_cancelled")
    assert sorted(m.to[0] for m in messages) == sorted([confirmed.email, waiting.email])
    message = next(m for m in messages if m.to == [confirmed.email])
    assert message.subject == tr(language, "Event cancelled: %(title)s", title=event.title)
    assert (
        tr(
            language,
            "We are sorry: the event below has been cancelled. Your registration no longer applies; "
            "you need not do anything.",
        )
        in message.body
    )
    assert_manage_link(message, confirmed, language)


# --- reminders ----------------------------------------------------------------------------


def _tomorrow_nine():
    today = timezone.localtime(timezone.now(), BERLIN).date()
    return datetime(today.year, today.month, today.day, 9, tzinfo=BERLIN) + timedelta(days=1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminder_sent_once_the_day_before(language, deliver):
    event = EventFactory(starts_at=_tomorrow_nine())
    registration = RegistrationFactory(event=event, language=language)
    RegistrationFactory(event=event, waitlisted=True)
    RegistrationFactory(event=event, cancelled=True)

    with deliver():
        assert notifications.reminders_send() == 1
    with deliver():
        notifications.reminders_send()  # the beat runs again, or the task is retried

    message = only_message("events.reminder")
    assert message.to == [registration.email]
    assert message.subject == tr(language, "Tomorrow: %(title)s", title=event.title)
    with translation.override(language):
        day = event.days()[0]
        expected = tr(
            language,
            "A reminder: tomorrow, %(weekday)s, %(day)s, we look forward to seeing you at the "
            "event below.",
            weekday=_date(day, "l"),
            day=_date(day, "DATE_FORMAT"),
        )
    assert expected in message.body
    assert qr.checkin_url(registration) in message.body
    assert_manage_link(message, registration, language)


def _date(value, fmt):
    return date_format(value, fmt)


def test_reminder_respects_the_days_of_a_multi_day_event(deliver):
    event = EventFactory(starts_at=_tomorrow_nine(), two_days=True)
    first, second = event.days()
    whole = RegistrationFactory(event=event, days=[])
    day_one = RegistrationFactory(event=event, days=[first])
    day_two = RegistrationFactory(event=event, days=[second])

    with deliver():
        notifications.reminders_send()
    assert sorted(m.to[0] for m in messages_of("events.reminder")) == sorted(
        [whole.email, day_one.email]
    )

    mail.outbox.clear()
    with deliver():  # the next morning: only who comes on day two alone
        notifications.reminders_send(today=first)
    assert [m.to[0] for m in messages_of("events.reminder")] == [day_two.email]


def test_reminder_not_for_cancelled_or_draft_events(deliver):
    EventFactory(starts_at=_tomorrow_nine(), cancelled=True)
    draft = EventFactory(starts_at=_tomorrow_nine(), draft=True)
    RegistrationFactory(event=draft)

    with deliver():
        assert notifications.reminders_send() == 0
    assert mail.outbox == []


# --- workshop sessions --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_session_signup_emails(workshop, language, deliver):
    event, session = workshop
    registration = RegistrationFactory(event=event, language=language)
    signup = SessionSignup.objects.create(registration=registration, item=session)

    with deliver():
        notifications.session_signup_changed(signup)

    message = only_message("events.session_signup")
    assert message.subject == tr(language, "Session booked: %(title)s", title=session.title)
    assert (
        tr(language, 'Your seat in the session "%(title)s" is booked.', title=session.title)
        in message.body
    )
    calendar = ics_of(message)
    (component,) = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == f"{session.title} ({event.title})"
    assert "Raum Oker" in str(component["LOCATION"])
    assert "Dr. Anna Weber (TU Clausthal)" in str(component["DESCRIPTION"])
    assert_manage_link(message, registration, language)

    mail.outbox.clear()
    Notification.objects.all().delete()
    signup.status = "waitlisted"
    signup.save()
    with deliver():
        notifications.session_signup_changed(signup)
    message = only_message("events.session_signup")
    assert message.subject == tr(
        language, "Waiting list for the session: %(title)s", title=session.title
    )
    assert message.attachments == []


def test_session_signup_email_skipped_when_changed_again(workshop, deliver):
    event, session = workshop
    registration = RegistrationFactory(event=event)
    signup = SessionSignup.objects.create(registration=registration, item=session)
    notification = notifications.session_signup_changed(signup)
    SessionSignup.objects.filter(pk=signup.pk).update(status="cancelled")

    notification_deliver_batch(notification_ids=[notification.pk])

    assert mail.outbox == []


# --- members get the in-app entry too ---------------------------------------------------------


def test_member_registration_notification_is_in_app(workshop, deliver):
    event, _session = workshop
    user = UserFactory(first_name="Lena", last_name="Hoffmann")
    ProfileFactory(user=user, preferred_language="en")
    with deliver():
        registration, _created = event_services.registration_create(
            event=event, actor=user, language="en"
        )

    notification = Notification.objects.get(kind="events.registration_confirmed")
    assert notification.recipient == user and notification.in_app
    assert notification.url == f"/events/{event.slug}/"
    message = only_message("events.registration_confirmed")
    assert message.to == [user.email.lower()]
    assert tr("en", "Hello %(name)s,", name=registration.name) in message.body


# --- stand decisions --------------------------------------------------------------------------


def _applicant(language, **kwargs):
    membership = MembershipFactory(
        user=UserFactory(first_name="Jonas", last_name="Berger"), **kwargs
    )
    ProfileFactory(user=membership.user, preferred_language=language)
    return membership


@pytest.mark.parametrize("language", LANGUAGES)
def test_stand_confirmed_email_has_number_area_and_links(language, deliver):
    event = EventFactory(title="Forum Kreislaufwirtschaft")
    membership = _applicant(language)
    stand = StandFactory(
        event=event, organisation=membership.organisation, applied_by=membership.user
    )

    with deliver():
        event_services.stand_decide(
            stand=stand, actor=make_organiser(), status="confirmed", number="A3", area="Foyer"
        )

    message = only_message("events.stand_decided")
    assert message.to == [membership.user.email]
    assert message.subject == tr(language, "Stand confirmed: %(title)s", title=event.title)
    body, html = message.body, html_of(message)
    assert tr(language, "Hello %(name)s,", name="Jonas Berger") in body
    assert (
        tr(
            language,
            "The stand application of %(organisation)s for the event below is confirmed. "
            "We look forward to seeing you!",
            organisation=membership.organisation.name,
        )
        in body
    )
    assert f"{tr(language, 'Stand number:')} A3" in body
    assert f"{tr(language, 'Area:')} Foyer" in body
    assert "A3" in html and "Foyer" in html
    page = f"{prefix(language)}/events/{event.slug}/"
    exhibitors = f"{page}exhibitors/"
    assert f"{tr(language, 'Event page:')} {page}" in body and f'href="{page}"' in html
    assert exhibitors in body and f'href="{exhibitors}"' in html
    assert f'<html lang="{language}">' in html
    notification = Notification.objects.get(kind="events.stand_decided")
    assert notification.recipient == membership.user and notification.in_app
    assert notification.url == f"/events/{event.slug}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_stand_declined_email(language, deliver):
    event = EventFactory(title="Forum Kreislaufwirtschaft")
    membership = _applicant(language)
    stand = StandFactory(
        event=event, organisation=membership.organisation, applied_by=membership.user
    )

    with deliver():
        event_services.stand_decide(stand=stand, actor=make_organiser(), status="declined")

    message = only_message("events.stand_decided")
    assert message.subject == tr(
        language, "Stand application declined: %(title)s", title=event.title
    )
    assert (
        tr(
            language,
            "We are sorry: the stand application of %(organisation)s for the event below could "
            "not be accepted. You are still welcome to attend the event.",
            organisation=membership.organisation.name,
        )
        in message.body
    )
    page = f"{prefix(language)}/events/{event.slug}/"
    assert page in message.body and f'href="{page}"' in html_of(message)
    assert "exhibitors/" not in message.body and "exhibitors/" not in html_of(message)
    assert tr(language, "Stand number:") not in message.body


def test_stand_decided_twice_sends_one_email(deliver):
    membership = _applicant("de")
    stand = StandFactory(organisation=membership.organisation, applied_by=membership.user)
    organiser = make_organiser()

    with deliver():
        event_services.stand_decide(stand=stand, actor=organiser, status="confirmed", number="A3")
    with deliver():  # saved again, e.g. only to correct the number
        event_services.stand_decide(stand=stand, actor=organiser, status="confirmed", number="B1")
    stand.refresh_from_db()
    notifications.stand_decided(stand)  # and a repeated call of the kind itself

    assert len(messages_of("events.stand_decided")) == 1
    assert Notification.objects.filter(kind="events.stand_decided").count() == 1


def test_stand_decided_goes_to_the_admins_when_the_applicant_is_gone(deliver):
    admin = MembershipFactory(admin=True)
    ProfileFactory(user=admin.user, preferred_language="en")
    MembershipFactory(organisation=admin.organisation)  # a plain member: not told
    applicant = MembershipFactory(organisation=admin.organisation).user
    stand = StandFactory(organisation=admin.organisation, applied_by=applicant)
    applicant.delete()
    stand.refresh_from_db()

    with deliver():
        event_services.stand_decide(stand=stand, actor=make_organiser(), status="declined")

    message = only_message("events.stand_decided")
    assert message.to == [admin.user.email]
    assert message.subject == tr(
        "en", "Stand application declined: %(title)s", title=stand.event.title
    )


def test_stand_decided_not_sent_when_changed_again_before_delivery():
    membership = _applicant("de")
    stand = StandFactory(
        organisation=membership.organisation, applied_by=membership.user, confirmed=True
    )
    (notification,) = notifications.stand_decided(stand)
    stand.status = "declined"
    stand.save()

    notification_deliver_batch(notification_ids=[notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.SKIPPED
    assert mail.outbox == []
