"""Registrations by hand in the admin (issue 15, item 2): organisers add one for a member or
a person without an account, change days and sessions, and move waiting people up, all
through the services and their seat rules."""

import pytest
from django.urls import reverse

from events.models import Registration, SessionSignup
from tests.factories import EventFactory, ProgrammeItemFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

ADD = "admin:events_registration_add"


def _add(client, event, **data):
    payload = {
        "event": event.pk,
        "user": "",
        "name": "",
        "email": "",
        "organisation_name": "",
        "days": "",
        "language": "de",
    }
    payload.update(data)
    return client.post(reverse(ADD), payload)


def test_add_page_opens_for_organisers_only(client, organiser_user, member):
    client.force_login(organiser_user)
    assert client.get(reverse(ADD)).status_code == 200
    client.force_login(member)
    assert client.get(reverse(ADD)).status_code in (302, 403)


def test_guest_added_by_hand_is_confirmed_without_mail(client, organiser_user, event, notified):
    client.force_login(organiser_user)

    response = _add(
        client, event, name="Petra Anrufer", email="Petra@Example.org", organisation_name="GmbH"
    )

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, email="petra@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.user is None
    assert registration.organisation_name == "GmbH"
    assert notified == []


def test_member_added_with_notice(client, organiser_user, event, member, org, notified):
    client.force_login(organiser_user)

    response = _add(client, event, user=member.pk, notify="on")

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, user=member)
    assert registration.email == member.email
    assert registration.organisation == org
    assert registration.status == Registration.Status.CONFIRMED
    assert notified == [("registration_confirmed", registration)]


def test_full_event_puts_the_caller_on_the_waiting_list(client, organiser_user, event):
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    client.force_login(organiser_user)

    response = _add(client, event, name="Dritte Person", email="dritte@example.org")

    assert response.status_code == 302
    registration = Registration.objects.get(email="dritte@example.org")
    assert registration.status == Registration.Status.WAITLISTED
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2


def test_full_event_without_waiting_list_is_a_form_error(client, organiser_user, host):
    event = EventFactory(host=host, capacity=1, waiting_list=False)
    RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    client.force_login(organiser_user)

    response = _add(client, event, name="Zu Spät", email="spaet@example.org")

    assert response.status_code == 400
    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [error.code for error in errors] == ["full"]
    assert not Registration.objects.filter(email="spaet@example.org").exists()


def test_twice_the_same_address_is_refused(client, organiser_user, event):
    RegistrationFactory(event=event, email="da@example.org", status="confirmed")
    client.force_login(organiser_user)

    response = _add(client, event, name="Nochmal", email="da@example.org")

    assert response.status_code == 400
    assert Registration.objects.filter(email="da@example.org").count() == 1


def test_missing_name_and_email_are_form_errors(client, organiser_user, event):
    client.force_login(organiser_user)

    response = _add(client, event)

    assert response.status_code == 400
    assert not event.registrations.exists()


def test_sessions_by_hand_take_session_seats(client, organiser_user, event):
    workshop = ProgrammeItemFactory(event=event, capacity=1)
    client.force_login(organiser_user)

    _add(client, event, name="Eins", email="eins@example.org", sessions=[workshop.pk])
    _add(client, event, name="Zwei", email="zwei@example.org", sessions=[workshop.pk])

    statuses = dict(
        SessionSignup.objects.filter(item=workshop).values_list("registration__email", "status")
    )
    assert statuses == {
        "eins@example.org": SessionSignup.Status.CONFIRMED,
        "zwei@example.org": SessionSignup.Status.WAITLISTED,
    }


def test_change_sessions_in_the_admin_passes_the_seat_on(client, organiser_user, event):
    workshop = ProgrammeItemFactory(event=event, capacity=1)
    client.force_login(organiser_user)
    _add(client, event, name="Eins", email="eins@example.org", sessions=[workshop.pk])
    _add(client, event, name="Zwei", email="zwei@example.org", sessions=[workshop.pk])
    first = Registration.objects.get(email="eins@example.org")
    url = reverse("admin:events_registration_change", args=[first.pk])
    page = client.get(url)
    assert page.status_code == 200
    from tests.events.forms_html import form_data

    data = form_data(page.content.decode(), "registration_form")
    data.pop("sessions", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    signups = SessionSignup.objects.filter(item=workshop)
    assert signups.get(registration=first).status == SessionSignup.Status.CANCELLED
    assert (
        signups.get(registration__email="zwei@example.org").status == SessionSignup.Status.CONFIRMED
    )


def test_move_waiting_person_up_action(client, organiser_user, event):
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    client.force_login(organiser_user)
    _add(client, event, name="Warte", email="warte@example.org")
    waiting = Registration.objects.get(email="warte@example.org")
    event.capacity = 3
    event.save()

    client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "promote_selected", "_selected_action": [waiting.pk]},
    )

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_deleting_a_confirmed_registration_passes_its_seats_on(
    client, organiser_user, event, notified
):
    workshop = ProgrammeItemFactory(event=event, capacity=1)
    client.force_login(organiser_user)
    _add(client, event, name="Eins", email="eins@example.org", sessions=[workshop.pk])
    _add(client, event, name="Zwei", email="zwei@example.org", sessions=[workshop.pk])
    _add(client, event, name="Drei", email="drei@example.org", sessions=[workshop.pk])
    first = Registration.objects.get(email="eins@example.org")
    waiting = Registration.objects.get(email="drei@example.org")
    assert waiting.status == Registration.Status.WAITLISTED  # the event holds two

    response = client.post(
        reverse("admin:events_registration_delete", args=[first.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Registration.objects.filter(pk=first.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert ("registration_promoted", waiting) in notified
    # The workshop seat went to the next confirmed person on its list.
    assert (
        SessionSignup.objects.get(item=workshop, registration__email="zwei@example.org").status
        == SessionSignup.Status.CONFIRMED
    )


def test_deleting_a_waiting_registration_promotes_nobody(client, organiser_user, event):
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    client.force_login(organiser_user)
    _add(client, event, name="Warte", email="warte@example.org")
    _add(client, event, name="Auch", email="auch@example.org")
    waiting = Registration.objects.get(email="warte@example.org")

    client.post(reverse("admin:events_registration_delete", args=[waiting.pk]), {"post": "yes"})

    assert not Registration.objects.filter(pk=waiting.pk).exists()
    assert Registration.objects.get(email="auch@example.org").status == (
        Registration.Status.WAITLISTED
    )
