"""The guest form does not tell who attends (issue 11): every address gets the same redirect
and the same "check your inbox" page; only the mail, which reaches the address's owner,
says what is true. The guest link confirms by a button (a POST), never on opening, and
the form is throttled per address and per client.

Emails are asserted by content in German and English (texts from the catalogue)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.models import Registration
from forum.notifications.models import Notification
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]


def tr(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def site(language: str) -> str:
    return settings.SITE_URL + ("/en" if language == "en" else "")


def messages_of(kind: str) -> list:
    ids = {str(pk) for pk in Notification.objects.filter(kind=kind).values_list("pk", flat=True)}
    return [m for m in mail.outbox if m.extra_headers.get("X-Forum-Notification") in ids]


@pytest.fixture
def event(db):
    return EventFactory(title="Workshop Schwarzmasse", slug="schwarzmasse", capacity=10)


@pytest.fixture
def post_guest(client, django_capture_on_commit_callbacks):
    """Sends the guest form and delivers the mail it records."""

    def post(event, email, language="de", name="Gabi Gast", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url(language, "events:register", event.slug),
                {"name": name, "email": email, "organisation_name": "Uni Harz", **extra},
            )

    return post


def _page(client, response, email: str) -> str:
    """The page the redirect leads to, with the address typed taken out."""
    html = client.get(response["Location"]).content.decode()
    return html.replace(email, "ADDRESS")


# --- one answer for every address ----------------------------------------------------------


@pytest.mark.parametrize("status", ["confirmed", "waitlisted", "pending", "cancelled"])
def test_guest_form_answers_known_and_unknown_addresses_alike(client, event, post_guest, status):
    """An attendee who did not consent to the list must not be found out through the form."""
    traits = {
        "confirmed": {},
        "waitlisted": {"waitlisted": True},
        "pending": {"pending": True},
        "cancelled": {"cancelled": True},
    }[status]
    RegistrationFactory(event=event, email="known@example.org", list_consent=False, **traits)

    known = post_guest(event, "known@example.org")
    known_page = _page(client, known, "known@example.org")
    unknown = post_guest(event, "stranger@example.org")
    unknown_page = _page(client, unknown, "stranger@example.org")

    assert known.status_code == unknown.status_code == 302
    sent = reverse("events:register_sent", args=[event.slug])
    assert known["Location"] == unknown["Location"] == sent
    assert known_page == unknown_page


def test_check_inbox_page_names_the_address_typed_but_not_its_state(client, event, post_guest):
    RegistrationFactory(event=event, email="known@example.org")

    response = post_guest(event, "known@example.org")
    html = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "known@example.org" in html
    assert tr("de", "You are already registered for this event.") not in html
    assert "ist für diese Veranstaltung bereits angemeldet" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_mail_to_a_registered_address_says_so_and_links_to_the_registration(
    event, post_guest, language
):
    known = RegistrationFactory(
        event=event, email="known@example.org", name="Karl Kommt", language="de"
    )

    post_guest(event, "known@example.org", language=language, name="Someone Else")

    (message,) = messages_of("events.already_registered")
    assert message.to == ["known@example.org"]
    assert message.subject == tr(
        language, "You are already registered: %(title)s", title=event.title
    )
    body = message.body
    assert (
        tr(
            language,
            "Someone, probably you, has just registered this email address for the event again. "
            "You are already registered, so nothing has changed.",
        )
        in body
    )
    assert tr(language, "Your place is confirmed.") in body
    manage = f"{site(language)}/events/registrations/{known.token}/"
    assert manage in body
    ((html, _mime),) = message.alternatives
    assert f'href="{manage}"' in html and f'<html lang="{language}">' in html
    # The greeting uses the registered name, not what the form said.
    assert "Karl Kommt" in body and "Someone Else" not in body
    assert messages_of("events.guest_confirmation") == []
    # Nothing about the registration changed, and the token is not kept in the outbox.
    known.refresh_from_db()
    assert known.status == Registration.Status.CONFIRMED and known.name == "Karl Kommt"
    notification = Notification.objects.get(kind="events.already_registered")
    assert known.token not in str(notification.context)
    assert notification.recipient is None and not notification.in_app


@pytest.mark.parametrize("language", LANGUAGES)
def test_mail_to_a_waiting_address_says_it_waits(event, post_guest, language):
    RegistrationFactory(event=event, email="wait@example.org", waitlisted=True)

    post_guest(event, "wait@example.org", language=language)

    (message,) = messages_of("events.already_registered")
    assert (
        tr(
            language,
            "You are on the waiting list and move up automatically when a place becomes free.",
        )
        in message.body
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_mail_to_a_new_or_pending_address_asks_to_confirm(event, post_guest, language):
    post_guest(event, "new@example.org", language=language)
    post_guest(event, "new@example.org", language=language)

    confirmations = messages_of("events.guest_confirmation")
    registration = Registration.objects.get(email="new@example.org")
    assert len(confirmations) == 2
    assert messages_of("events.already_registered") == []
    confirm = f"{site(language)}/events/registrations/{registration.token}/confirm/"
    for message in confirmations:
        assert message.subject == tr(
            language, "Please confirm your registration: %(title)s", title=event.title
        )
        assert confirm in message.body


# --- the link confirms by a button -----------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_confirmation_link_confirms_nothing(client, event, method):
    """Mail scanners open links: only the button's POST may confirm."""
    registration = RegistrationFactory(event=event, pending=True)

    response = getattr(client, method)(reverse("events:guest_confirm", args=[registration.token]))

    registration.refresh_from_db()
    assert response.status_code == 200
    assert registration.status == Registration.Status.PENDING


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_page_has_a_button_and_its_post_confirms(client, event, language):
    registration = RegistrationFactory(event=event, pending=True)
    confirm = url(language, "events:guest_confirm", registration.token)

    page = client.get(confirm).content.decode()
    response = client.post(confirm)

    assert 'method="post"' in page
    assert tr(language, "Confirm my registration") in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert response.status_code == 302
    assert response["Location"] == url(language, "events:registration", registration.token)


def test_confirmation_link_of_a_confirmed_registration_leads_to_it(client, event):
    registration = RegistrationFactory(event=event)

    response = client.get(reverse("events:guest_confirm", args=[registration.token]))

    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()


# --- throttles -------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.FORUM_RATE_LIMITS = {
        **settings.FORUM_RATE_LIMITS,
        "guest_registration_address": "2/h",
        "guest_registration_client": "4/h",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_form_throttled_per_address_with_429_and_input_kept(
    event, post_guest, limits, language
):
    for _ in range(2):
        assert post_guest(event, "spam@example.org", language=language).status_code == 302

    refused = post_guest(
        event, "spam@example.org", language=language, dietary_needs="Vegetarisch bitte"
    )

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "spam@example.org" in html and "Vegetarisch bitte" in html
    assert "You have sent this too often" in html or "zu oft gesendet" in html
    if language == "en":
        assert "You have sent this too often in a short time." in html
    else:
        assert "Sie haben dies in kurzer Zeit zu oft gesendet." in html
    assert len(messages_of("events.guest_confirmation")) == 2
    # Another address from the same client still goes through.
    assert post_guest(event, "other@example.org", language=language).status_code == 302


def test_guest_form_throttled_per_client_across_addresses(event, post_guest, limits):
    for n in range(4):
        assert post_guest(event, f"person{n}@example.org").status_code == 302

    refused = post_guest(event, "person9@example.org")

    assert refused.status_code == 429
    assert not Registration.objects.filter(email="person9@example.org").exists()
    assert len(mail.outbox) == 4


def test_twenty_posts_with_one_address_send_few_mails(event, post_guest):
    """The report: twenty posts sent twenty mails. The default limit sends at most three."""
    statuses = [post_guest(event, "gabi@example.org").status_code for _ in range(20)]

    assert statuses.count(302) == 3 and statuses.count(429) == 17
    assert len(messages_of("events.guest_confirmation")) == 3


def test_invalid_posts_are_not_counted(event, post_guest, limits):
    for _ in range(5):
        assert post_guest(event, "kein-at-zeichen").status_code == 400

    assert post_guest(event, "gabi@example.org").status_code == 302
