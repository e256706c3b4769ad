"""Registration rules: seats, waiting list, guests, sessions, cancellation, stands."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events import services
from events.models import Event, Registration, SessionSignup, Stand
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _guest(event, email="gast@example.org", **kwargs):
    registration, _created = services.registration_create(
        event=event, actor=None, name="Gabi Gast", email=email, organisation_name="Uni", **kwargs
    )
    return registration


def test_member_registration_is_confirmed_and_prefilled(event, member, notified):
    registration, created = services.registration_create(event=event, actor=member, language="en")

    assert created
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.email == member.email
    assert registration.organisation.name == "Harzer Zinkhütte GmbH"
    assert registration.language == "en"
    assert notified == [("registration_confirmed", registration)]


def test_member_registering_twice_gets_the_same_registration(event, member):
    first, _ = services.registration_create(event=event, actor=member)
    again, created = services.registration_create(event=event, actor=member)

    assert not created
    assert again.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_full_event_puts_next_on_waiting_list(event, notified):
    RegistrationFactory.create_batch(2, event=event)
    registration, _ = services.registration_create(event=event, actor=UserFactory())

    assert registration.status == Registration.Status.WAITLISTED
    assert registration.waitlisted_at is not None
    assert notified == [("registration_waitlisted", registration)]


def test_full_event_without_waiting_list_refuses(event):
    Event.objects.filter(pk=event.pk).update(waiting_list=False)
    event.refresh_from_db()
    RegistrationFactory.create_batch(2, event=event)
    with pytest.raises(ValidationError):
        services.registration_create(event=event, actor=UserFactory())
    assert Registration.objects.filter(event=event).count() == 2


def test_guest_is_pending_and_holds_no_seat(event, notified):
    registration = _guest(event)

    assert registration.status == Registration.Status.PENDING
    assert services.seats_left(event) == 2
    assert notified == [("guest_confirmation_requested", registration)]


def test_guest_confirmation_takes_a_seat_and_twice_is_harmless(event, notified):
    registration = _guest(event)

    confirmed, changed = services.guest_confirm(registration=registration)
    again, changed_again = services.guest_confirm(registration=registration)

    assert changed and not changed_again
    assert confirmed.status == again.status == Registration.Status.CONFIRMED
    assert services.seats_left(event) == 1
    assert [kind for kind, _ in notified] == [
        "guest_confirmation_requested",
        "registration_confirmed",
    ]


def test_guest_confirmation_when_full_waitlists(event):
    registration = _guest(event)
    RegistrationFactory.create_batch(2, event=event)

    confirmed, _ = services.guest_confirm(registration=registration)

    assert confirmed.status == Registration.Status.WAITLISTED


def test_same_guest_address_twice_resends_link_and_keeps_one(event, notified):
    first = _guest(event, email="Gast@Example.org")
    second, created = services.registration_create(
        event=event, actor=None, name="Someone", email="gast@example.org"
    )

    assert not created and second.pk == first.pk
    assert second.name == "Gabi Gast"
    assert [kind for kind, _ in notified] == ["guest_confirmation_requested"] * 2


def test_cancel_promotes_first_waitlisted_and_tells_them(event, notified):
    seat_holder = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    first = RegistrationFactory(
        event=event, waitlisted=True, waitlisted_at=timezone.now() - timedelta(hours=2)
    )
    second = RegistrationFactory(
        event=event, waitlisted=True, waitlisted_at=timezone.now() - timedelta(hours=1)
    )

    services.registration_cancel(registration=seat_holder)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED
    assert ("registration_promoted", first) in notified
    assert ("registration_cancelled", seat_holder) in notified
    assert services.seats_left(event) == 0


def test_cancelling_a_waitlisted_one_promotes_nobody(event):
    RegistrationFactory.create_batch(2, event=event)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    other = RegistrationFactory(event=event, waitlisted=True)

    services.registration_cancel(registration=waiting)
    services.registration_cancel(registration=waiting)

    other.refresh_from_db()
    assert other.status == Registration.Status.WAITLISTED


def test_raised_capacity_promotes_in_order(event, notified):
    RegistrationFactory.create_batch(2, event=event)
    waiting = [
        RegistrationFactory(
            event=event, waitlisted=True, waitlisted_at=timezone.now() - timedelta(minutes=m)
        )
        for m in (30, 20, 10)
    ]
    Event.objects.filter(pk=event.pk).update(capacity=4)

    promoted = services.event_capacity_changed(event=event)

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert [kind for kind, _ in notified] == ["registration_promoted"] * 2


def test_cancelled_registration_can_register_again(event, member):
    registration, _ = services.registration_create(event=event, actor=member)
    services.registration_cancel(registration=registration)

    again, created = services.registration_create(event=event, actor=member)

    assert again.pk == registration.pk and created
    assert again.status == Registration.Status.CONFIRMED
    assert again.cancelled_at is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "draft"}, "draft"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not_yet"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_registration_window_and_status_respected(event, member, changes, code):
    Event.objects.filter(pk=event.pk).update(**changes)
    event.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.registration_create(event=event, actor=member)
    assert error.value.code == code


def test_multi_day_days_checked(forum, member):
    with pytest.raises(ValidationError) as error:
        services.registration_create(
            event=forum, actor=member, days=[forum.days()[0] - timedelta(days=3)]
        )
    assert "days" in error.value.message_dict
    registration, _ = services.registration_create(
        event=forum, actor=member, days=[forum.days()[1]]
    )
    assert registration.days == [forum.days()[1]]


def test_session_signups_with_their_own_capacity(forum, notified):
    session = ProgrammeItemFactory(event=forum, kind="workshop_session", capacity=1)
    first, _ = services.registration_create(event=forum, actor=UserFactory(), sessions=[session])
    second, _ = services.registration_create(event=forum, actor=UserFactory(), sessions=[session])

    assert first.session_signups.get().status == SessionSignup.Status.CONFIRMED
    assert second.session_signups.get().status == SessionSignup.Status.WAITLISTED

    services.registration_cancel(registration=first)

    signup = second.session_signups.get()
    assert signup.status == SessionSignup.Status.CONFIRMED
    assert ("session_signup_changed", signup) in notified


def test_session_of_another_event_refused(forum, event, member):
    foreign = ProgrammeItemFactory(event=event, capacity=5)
    with pytest.raises(ValidationError) as error:
        services.registration_create(event=forum, actor=member, sessions=[foreign])
    assert "sessions" in error.value.message_dict


def test_waitlisted_registration_holds_no_session_seat(event):
    session = ProgrammeItemFactory(event=event, capacity=5)
    RegistrationFactory.create_batch(2, event=event)
    waiting, _ = services.registration_create(event=event, actor=UserFactory(), sessions=[session])
    assert waiting.session_signups.get().status == SessionSignup.Status.WAITLISTED

    services.registration_cancel(
        registration=Registration.objects.filter(event=event, status="confirmed").first()
    )

    assert waiting.session_signups.get().status == SessionSignup.Status.CONFIRMED


def test_event_cancel_tells_everyone_active(event, organiser_user, notified):
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    RegistrationFactory(event=event, cancelled=True)
    RegistrationFactory(event=event, pending=True)

    services.event_cancel(event=event, actor=organiser_user)

    event.refresh_from_db()
    assert event.is_cancelled
    ((kind, (cancelled_event, registrations)),) = notified
    assert kind == "event_cancelled" and cancelled_event == event
    assert {r.pk for r in registrations} == {confirmed.pk, waiting.pk}


def test_event_cancel_only_by_organisers(event, member):
    with pytest.raises(PermissionDenied):
        services.event_cancel(event=event, actor=member)


def test_check_in_twice_keeps_first_time(event, organiser_user):
    registration = RegistrationFactory(event=event)
    first, now = services.registration_check_in(registration=registration, actor=organiser_user)
    again, now_again = services.registration_check_in(
        registration=registration, actor=organiser_user
    )
    assert now and not now_again
    assert again.checked_in_at == first.checked_in_at


def test_check_in_refuses_waitlisted(event, organiser_user):
    registration = RegistrationFactory(event=event, waitlisted=True)
    with pytest.raises(ValidationError):
        services.registration_check_in(registration=registration, actor=organiser_user)


def test_stand_one_per_organisation(event, member):
    services.stand_apply(event=event, actor=member, kind="table", description="Zinkrecycling")
    with pytest.raises(ValidationError):
        services.stand_apply(event=event, actor=member, kind="booth", description="Noch einer")


def test_stand_needs_a_membership(event):
    with pytest.raises(PermissionDenied):
        services.stand_apply(event=event, actor=UserFactory(), kind="table", description="x")


def test_stand_decide_sets_number_and_time(event, organiser_user):
    stand = StandFactory(event=event)
    decided = services.stand_decide(
        stand=stand, actor=organiser_user, status="confirmed", number="A3", area="Foyer"
    )
    assert decided.status == Stand.Status.CONFIRMED
    assert decided.number == "A3" and decided.decided_at is not None


def test_registrations_promote_selected_never_beyond_capacity(event, organiser_user):
    RegistrationFactory(event=event)
    waiting = [RegistrationFactory(event=event, waitlisted=True) for _ in range(3)]
    promoted = services.registrations_promote(
        event=event, actor=organiser_user, registrations=waiting[1:]
    )
    assert [r.pk for r in promoted] == [waiting[1].pk]
    assert services.seats_left(event) == 0


def test_member_with_guest_registration_of_same_address_takes_it_over(event):
    user = MembershipFactory().user
    guest = _guest(event, email=user.email)

    registration, created = services.registration_create(event=event, actor=user)

    assert not created and registration.pk == guest.pk
    assert registration.user == user
    assert registration.status == Registration.Status.CONFIRMED


def test_draft_event_refuses(member):
    event = EventFactory(draft=True)
    with pytest.raises(ValidationError):
        services.registration_create(event=event, actor=member)
