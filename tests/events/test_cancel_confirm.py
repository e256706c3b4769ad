"""Cancelling a registration and withdrawing a stand application ask first (issue 11): the
old one-click button cancelled at once and the freed seat went to the waiting list for
good. GET shows a page that says what happens, with a POST button and a back link; only
that POST acts, through the existing service."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.models import Event, Registration, SessionSignup, Stand
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]


def tr(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def full_event(db):
    """One seat, taken by the attendee, and someone waiting for it."""
    event = EventFactory(title="Workshop Schwarzmasse", capacity=1, waiting_list=True)
    attendee = RegistrationFactory(event=event, email="anna@example.org")
    waiting = RegistrationFactory(event=event, waitlisted=True)
    return event, attendee, waiting


def _cancel_url(registration, language="de"):
    return url(language, "events:registration_cancel", registration.token)


# --- the confirmation page -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancel_page_says_the_seat_goes_to_the_waiting_list(client, full_event, language):
    _event, attendee, waiting = full_event

    response = client.get(_cancel_url(attendee, language))

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        tr(
            language,
            "Your seat goes to the next person on the waiting list at once; this cannot be "
            "undone. If you register again later, you get a seat only if one is free, "
            "otherwise a place at the end of the waiting list.",
        )
        in html
    )
    assert tr(language, "Cancel registration") in html
    assert 'name="confirm" value="yes"' in html
    assert f'href="{url(language, "events:registration", attendee.token)}"' in html
    attendee.refresh_from_db()
    waiting.refresh_from_db()
    assert attendee.status == Registration.Status.CONFIRMED
    assert waiting.status == Registration.Status.WAITLISTED


def test_cancel_button_reads_cancel_registration_not_abbrechen(client, full_event):
    _event, attendee, _waiting = full_event

    html = client.get(_cancel_url(attendee)).content.decode()

    assert "Anmeldung stornieren</button>" in html
    assert ">Abbrechen<" not in html


@pytest.mark.parametrize(
    ("traits", "msgid"),
    [
        (
            {"waitlisted": True},
            "You leave the waiting list; this cannot be undone. If you register again later, "
            "you join the waiting list at its end.",
        ),
        (
            {"pending": True},
            "Your registration is not confirmed yet. It is dropped, and the confirmation link "
            "stops working.",
        ),
    ],
)
def test_cancel_page_explains_waiting_and_pending(client, db, traits, msgid):
    registration = RegistrationFactory(event=EventFactory(), **traits)

    html = client.get(_cancel_url(registration)).content.decode()

    assert tr("de", msgid) in html


def test_cancel_page_without_waiting_list_says_the_seat_becomes_free(client, db):
    registration = RegistrationFactory(event=EventFactory(capacity=5, waiting_list=False))

    html = client.get(_cancel_url(registration, "en")).content.decode()

    assert "Your seat becomes free for someone else at once; this cannot be undone." in html


def test_cancel_page_lists_the_session_seats_given_up(client, db):
    event = EventFactory()
    session = ProgrammeItemFactory(event=event, capacity=3, title="Laborführung")
    registration = RegistrationFactory(event=event)
    SessionSignup.objects.create(registration=registration, item=session, status="confirmed")

    html = client.get(_cancel_url(registration, "en")).content.decode()

    assert "Your places in these workshop sessions go to the next people" in html
    assert "Laborführung" in html


# --- only the page's POST cancels ------------------------------------------------------------


def test_confirmed_post_cancels_promotes_and_redirects(client, full_event, notified):
    _event, attendee, waiting = full_event

    response = client.post(_cancel_url(attendee), {"confirm": "yes"})

    assert response.status_code == 302
    assert response["Location"] == attendee.get_absolute_url()
    attendee.refresh_from_db()
    waiting.refresh_from_db()
    assert attendee.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert ("registration_promoted", waiting) in notified


def test_post_without_the_confirmation_cancels_nothing(client, full_event):
    _event, attendee, _waiting = full_event

    response = client.post(_cancel_url(attendee))

    assert response.status_code == 302
    assert response["Location"] == _cancel_url(attendee)
    attendee.refresh_from_db()
    assert attendee.status == Registration.Status.CONFIRMED


def test_old_one_click_form_on_the_registration_page_cancels_nothing(client, full_event):
    """The old button posted action=cancel to the registration page: it now leads to the
    confirmation page, and the seat stays."""
    _event, attendee, waiting = full_event

    response = client.post(attendee.get_absolute_url(), {"action": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == _cancel_url(attendee)
    attendee.refresh_from_db()
    waiting.refresh_from_db()
    assert attendee.status == Registration.Status.CONFIRMED
    assert waiting.status == Registration.Status.WAITLISTED


@pytest.mark.parametrize("page", ["registration", "my_registrations"])
def test_pages_link_to_the_confirmation_instead_of_cancelling(client, member, page):
    registration = RegistrationFactory(event=EventFactory(), user=member, email=member.email)
    client.force_login(member)
    target = (
        registration.get_absolute_url()
        if page == "registration"
        else reverse("events:my_registrations")
    )

    html = client.get(target).content.decode()

    assert reverse("events:registration_cancel", args=[registration.token]) in html
    assert 'value="cancel"' not in html
    assert "Anmeldung stornieren" in html


def test_from_my_registrations_the_way_back_and_the_redirect_lead_there(client, member):
    registration = RegistrationFactory(event=EventFactory(), user=member, email=member.email)
    client.force_login(member)
    cancel = reverse("events:registration_cancel", args=[registration.token]) + "?from=mine"

    html = client.get(cancel).content.decode()
    response = client.post(cancel, {"confirm": "yes"})

    assert f'href="{reverse("events:my_registrations")}"' in html
    assert response["Location"] == reverse("events:my_registrations")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


@pytest.mark.parametrize("state", ["cancelled", "past", "event_cancelled"])
def test_nothing_to_cancel_leads_back_to_the_registration(client, db, state):
    event = EventFactory()
    registration = RegistrationFactory(event=event, cancelled=state == "cancelled")
    if state == "past":
        Event.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at.replace(year=2020), ends_at=event.ends_at.replace(year=2020)
        )
    if state == "event_cancelled":
        Event.objects.filter(pk=event.pk).update(status="cancelled")
    before = Registration.objects.get(pk=registration.pk).status

    page = client.get(_cancel_url(registration))
    post = client.post(_cancel_url(registration), {"confirm": "yes"})

    assert page.status_code == post.status_code == 302
    assert page["Location"] == registration.get_absolute_url()
    assert Registration.objects.get(pk=registration.pk).status == before


# --- stand applications ----------------------------------------------------------------------


@pytest.fixture
def stand(member, event):
    return StandFactory(
        event=event, organisation=member.memberships.get().organisation, applied_by=member
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_stand_withdraw_asks_first_then_withdraws(client, member, stand, language):
    client.force_login(member)
    withdraw = url(language, "events:stand_withdraw", stand.event.slug)

    page = client.get(withdraw)
    unconfirmed = client.post(withdraw)
    assert Stand.objects.filter(pk=stand.pk).exists()
    confirmed = client.post(withdraw, {"confirm": "yes"})

    html = page.content.decode()
    assert page.status_code == 200
    assert tr(language, "Withdraw stand application") in html
    assert 'name="confirm" value="yes"' in html
    assert unconfirmed.status_code == 302 and unconfirmed["Location"] == withdraw
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url(language, "events:stand_apply", stand.event.slug)
    # The record stays for the organisers; declined frees the one-per-event rule.
    assert Stand.objects.get(pk=stand.pk).status == "declined"


def test_stand_page_links_to_the_withdraw_page(client, member, stand):
    client.force_login(member)

    html = client.get(reverse("events:stand_apply", args=[stand.event.slug])).content.decode()

    assert reverse("events:stand_withdraw", args=[stand.event.slug]) in html


def test_confirmed_stand_page_says_the_number_is_given_up(client, member, stand):
    Stand.objects.filter(pk=stand.pk).update(status="confirmed", number="A7")
    client.force_login(member)

    html = client.get(url("en", "events:stand_withdraw", stand.event.slug)).content.decode()

    assert "Your confirmed stand (number A7) is given up at once" in html


def test_stand_withdraw_refused_to_other_organisations(client, other_member, stand):
    client.force_login(other_member)

    response = client.post(
        reverse("events:stand_withdraw", args=[stand.event.slug]), {"confirm": "yes"}
    )

    assert response.status_code == 404
    assert Stand.objects.filter(pk=stand.pk).exists()


def test_stand_withdraw_service_refuses_declined_and_strangers(member, other_member, stand):
    from django.core.exceptions import PermissionDenied, ValidationError

    from events import services

    with pytest.raises(PermissionDenied):
        services.stand_withdraw(stand=stand, actor=other_member)
    Stand.objects.filter(pk=stand.pk).update(status="declined")
    with pytest.raises(ValidationError):
        services.stand_withdraw(stand=Stand.objects.get(pk=stand.pk), actor=member)
    assert Stand.objects.filter(pk=stand.pk).exists()
