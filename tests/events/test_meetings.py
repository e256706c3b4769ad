"""B2B meetings (issue 14): settings and slots, opting in, requests, acceptance with
scheduling, declining, cancelling, another slot, expiry, and the emails."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from events.models import BERLIN
from events.models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingSettings,
    MeetingSlot,
)
from events.services import meetings as services
from forum.notifications.models import Notification
from members.models import CompetenceProfile
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    organiser,
)

pytestmark = pytest.mark.django_db


def meeting_event(*, slots=3, places=1, **kwargs):
    """A published event 30 days ahead with meetings on, ``slots`` 20-minute slots from
    10:00 on its first day and ``places`` tables."""
    event = EventFactory(**kwargs)
    MeetingSettings.objects.create(event=event, enabled=True)
    day = event.starts_at.astimezone(BERLIN).date()
    start = datetime.combine(day, time(10, 0), tzinfo=BERLIN)
    for index in range(slots):
        MeetingSlot.objects.create(
            event=event,
            starts_at=start + timedelta(minutes=20 * index),
            ends_at=start + timedelta(minutes=20 * (index + 1)),
        )
    for index in range(places):
        MeetingPlace.objects.create(event=event, name=f"Tisch {index + 1:02d}")
    return event


def attendee(event, *, organisation=None, language="de", name=None):
    user = UserFactory()
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation)
    RegistrationFactory(
        event=event,
        user=user,
        email=user.email,
        name=name or user.get_full_name(),
        organisation=organisation,
        language=language,
    )
    return user


def opted_in(event, user, slots=None):
    slots = list(event.meeting_slots.all()) if slots is None else slots
    services.meeting_opt_in(
        event=event, actor=user, offer="Laugung", looking_for="Schlacke", slots=slots
    )
    return MeetingParticipant.objects.get(registration__user=user, event=event)


def accepted_pair(event, slots_a=None, slots_b=None):
    a, b = attendee(event), attendee(event)
    _pa, pb = opted_in(event, a, slots_a), opted_in(event, b, slots_b)
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="Hallo")
    return a, b, services.meeting_answer(request=request, actor=b, accept=True)


# --- Organisers ---------------------------------------------------------------------------


def test_slots_are_generated_from_a_window_without_doubles():
    event = meeting_event(slots=0)
    boss = organiser()
    day = event.starts_at.astimezone(BERLIN).date()
    made = services.meeting_slots_generate(
        event=event, day=day, start=time(9, 0), end=time(10, 10), actor=boss
    )
    assert [s.starts_at.astimezone(BERLIN).time() for s in made] == [
        time(9, 0),
        time(9, 20),
        time(9, 40),
    ]
    services.meeting_slots_generate(
        event=event, day=day, start=time(9, 0), end=time(10, 0), actor=boss
    )
    assert event.meeting_slots.count() == 3
    with pytest.raises(ValidationError):
        services.meeting_slots_generate(
            event=event, day=day, start=time(11), end=time(10), actor=boss
        )
    with pytest.raises(PermissionDenied):
        services.meeting_slots_generate(
            event=event, day=day, start=time(9), end=time(10), actor=UserFactory()
        )


def test_a_slot_or_place_with_a_meeting_cannot_be_deleted():
    event = meeting_event(slots=1)
    _a, _b, request = accepted_pair(event)
    with pytest.raises(ValidationError):
        services.meeting_slot_delete(slot=request.slot, actor=organiser())
    with pytest.raises(ValidationError):
        services.meeting_place_delete(place=request.place, actor=organiser())


# --- Opting in ----------------------------------------------------------------------------


def test_only_confirmed_participants_opt_in_and_only_when_switched_on():
    event = meeting_event()
    with pytest.raises(PermissionDenied):
        opted_in(event, UserFactory())
    user = attendee(event)
    user.event_registrations.update(status="waitlisted")
    with pytest.raises(PermissionDenied):
        opted_in(event, user)
    other = attendee(event)
    MeetingSettings.objects.filter(event=event).update(enabled=False)
    with pytest.raises(PermissionDenied):
        opted_in(event, other)


def test_opting_in_twice_changes_the_one_participant():
    event = meeting_event()
    user = attendee(event)
    opted_in(event, user)
    slots = list(event.meeting_slots.all())[:1]
    participant = opted_in(event, user, slots)
    assert MeetingParticipant.objects.filter(event=event).count() == 1
    assert list(participant.available_slots.all()) == slots


def test_slots_of_another_event_are_refused():
    event, other = meeting_event(), meeting_event()
    with pytest.raises(ValidationError):
        opted_in(event, attendee(event), list(other.meeting_slots.all()))


def test_the_offer_is_prefilled_from_the_competence_profile():
    from events.selectors_meetings import opt_in_initial

    organisation = OrganisationFactory()
    CompetenceProfile.objects.create(organisation=organisation, competences="Wir laugen Schlacken.")
    event = meeting_event()
    user = attendee(event, organisation=organisation)
    assert opt_in_initial(user, event)["offer"] == "Wir laugen Schlacken."


# --- Requests and scheduling --------------------------------------------------------------


def test_accepting_books_the_earliest_common_free_slot_and_a_place():
    event = meeting_event(slots=3, places=1)
    slots = list(event.meeting_slots.order_by("starts_at"))
    _a, _b, request = accepted_pair(event, slots, slots[1:])
    assert request.status == "accepted" and request.slot == slots[1]
    assert request.place.name == "Tisch 01"
    assert MeetingBooking.objects.filter(request=request).count() == 2
    # The next pair gets the next slot: the only place is taken in slot 2.
    _c, _d, second = accepted_pair(event, slots[1:], slots[1:])
    assert second.slot == slots[2]


def test_a_person_is_never_in_two_meetings_at_once():
    event = meeting_event(slots=2, places=5)
    a, b, c = attendee(event), attendee(event), attendee(event)
    pa, pb, _pc = opted_in(event, a), opted_in(event, b), opted_in(event, c)
    first = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    second = services.meeting_request_send(event=event, actor=c, recipient=pa, message="")
    first = services.meeting_answer(request=first, actor=b, accept=True)
    second = services.meeting_answer(request=second, actor=a, accept=True)
    assert first.slot != second.slot


def test_without_a_common_slot_the_meeting_stays_accepted_and_both_are_told():
    event = meeting_event(slots=2)
    slots = list(event.meeting_slots.order_by("starts_at"))
    _a, _b, request = accepted_pair(event, slots[:1], slots[1:])
    assert request.status == "accepted" and request.slot is None
    assert request.unscheduled_reason == services.NO_COMMON_SLOT
    told = Notification.objects.filter(kind="events.meeting_accepted")
    assert told.count() == 2


def test_when_every_place_is_taken_the_reason_says_so_and_a_freed_slot_is_offered_again():
    event = meeting_event(slots=1, places=1)
    a, _b, first = accepted_pair(event)
    _c, _d, second = accepted_pair(event)
    assert second.slot is None and second.unscheduled_reason == services.NO_FREE_SLOT
    services.meeting_cancel(request=first, actor=a)
    second.refresh_from_db()
    assert second.slot is not None and second.place is not None
    assert not MeetingBooking.objects.filter(request=first).exists()


def test_only_the_recipient_answers_and_twice_is_once():
    event = meeting_event()
    a, b = attendee(event), attendee(event)
    opted_in(event, a)
    pb = opted_in(event, b)
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    assert services.meeting_request_send(event=event, actor=a, recipient=pb, message="") == request
    with pytest.raises(PermissionDenied):
        services.meeting_answer(request=request, actor=a, accept=True)
    services.meeting_answer(request=request, actor=b, accept=True)
    again = services.meeting_answer(request=request, actor=b, accept=True)
    assert MeetingBooking.objects.filter(request=again).count() == 2
    with pytest.raises(ValidationError):
        services.meeting_answer(request=request, actor=b, accept=False)


def test_declining_tells_the_requester_and_books_nothing():
    event = meeting_event()
    a, b = attendee(event), attendee(event)
    opted_in(event, a)
    pb = opted_in(event, b)
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    request = services.meeting_answer(request=request, actor=b, accept=False)
    assert request.status == "declined" and not MeetingBooking.objects.exists()
    assert Notification.objects.get(kind="events.meeting_declined").recipient == a


def test_requests_to_oneself_and_counter_requests_are_refused():
    event = meeting_event()
    a, b = attendee(event), attendee(event)
    pa, pb = opted_in(event, a), opted_in(event, b)
    with pytest.raises(ValidationError):
        services.meeting_request_send(event=event, actor=a, recipient=pa, message="")
    services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    with pytest.raises(ValidationError):
        services.meeting_request_send(event=event, actor=b, recipient=pa, message="")


def test_another_slot_moves_the_meeting_and_frees_the_old_one():
    event = meeting_event(slots=2)
    a, b, request = accepted_pair(event)
    old = request.slot
    moved = services.meeting_reschedule(request=request, actor=a)
    assert moved.slot != old
    assert set(MeetingBooking.objects.values_list("slot", flat=True)) == {moved.slot_id}
    assert Notification.objects.filter(kind="events.meeting_moved").count() == 2
    back = services.meeting_reschedule(request=moved, actor=b)  # the freed slot again
    assert back.slot == old


def test_strangers_cannot_cancel_or_move():
    event = meeting_event()
    _a, _b, request = accepted_pair(event)
    stranger = attendee(event)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(request=request, actor=stranger)
    with pytest.raises(PermissionDenied):
        services.meeting_reschedule(request=request, actor=stranger)


def test_the_database_refuses_a_double_booking():
    event = meeting_event(slots=1, places=2)
    _a, _b, request = accepted_pair(event)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingBooking.objects.create(
            request=request, slot=request.slot, participant=request.requester
        )


# --- Expiry -------------------------------------------------------------------------------


def test_unanswered_requests_are_reminded_once_then_expire():
    event = meeting_event()
    a, b = attendee(event), attendee(event)
    opted_in(event, a)
    pb = opted_in(event, b)
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    start = request.created_at
    assert abs(request.expires_at - start - timedelta(hours=72)) < timedelta(seconds=5)
    start = request.expires_at - timedelta(hours=72)
    assert services.meeting_requests_expire(now=start + timedelta(hours=40)) == (0, 0)
    assert services.meeting_requests_expire(now=start + timedelta(hours=49)) == (1, 0)
    assert services.meeting_requests_expire(now=start + timedelta(hours=50)) == (0, 0)
    assert services.meeting_requests_expire(now=start + timedelta(hours=72)) == (0, 1)
    request.refresh_from_db()
    assert request.status == "expired"
    assert Notification.objects.filter(kind="events.meeting_reminder").count() == 1
    assert Notification.objects.filter(kind="events.meeting_expired").count() == 2


# --- Emails -------------------------------------------------------------------------------


def test_the_accepted_mail_has_time_place_and_calendar_in_each_language(
    django_capture_on_commit_callbacks,
):
    event = meeting_event(slots=1)
    a = attendee(event, language="en", name="Ada Lovelace")
    b = attendee(event, language="de", name="Bernd Berg")
    opted_in(event, a)
    pb = opted_in(event, b)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="Hi")
        services.meeting_answer(request=request, actor=b, accept=True)
    subjects = sorted(message.subject for message in mail.outbox)
    assert "Meeting request from Ada Lovelace" not in subjects  # Bernd reads German
    assert "Treffen mit Ada Lovelace bestätigt" in subjects
    assert "Meeting with Bernd Berg confirmed" in subjects
    confirmed = next(m for m in mail.outbox if m.subject == "Meeting with Bernd Berg confirmed")
    assert "Tisch 01" in confirmed.body and "10:00" in confirmed.body
    (_name, content, mimetype) = confirmed.attachments[0]
    content = content.encode() if isinstance(content, str) else content
    assert mimetype.startswith("text/calendar") and b"Tisch 01" in content


def test_a_deleted_account_is_told_at_the_registered_address():
    event = meeting_event()
    a, b, request = accepted_pair(event)
    address = b.email
    b.delete()
    services.meeting_cancel(request=request, actor=a)
    told = Notification.objects.get(kind="events.meeting_cancelled")
    assert (told.recipient, told.email) == (None, address)


# --- Privacy --------------------------------------------------------------------------------


def test_export_holds_the_meeting_texts_and_erase_blanks_what_the_person_wrote():
    from forum.privacy import registry

    event = meeting_event(slots=2, places=1)
    a, b, request = accepted_pair(event)

    exported = registry.export_user_data(a)["events"]["meetings"]
    assert exported["participations"][0]["we_offer"] == "Laugung"
    sent = exported["requests"][0]
    assert sent["sent"] is True and sent["message"] == "Hallo"
    assert sent["with"] == b.get_full_name() and sent["place"] == "Tisch 01"
    assert registry.export_user_data(b)["events"]["meetings"]["requests"][0]["sent"] is False

    registry.erase_user(a)

    request.refresh_from_db()
    assert request.message == ""
    mine = MeetingParticipant.objects.get(pk=request.requester_id)
    assert (mine.offer, mine.looking_for) == ("", "")
    theirs = MeetingParticipant.objects.get(pk=request.recipient_id)
    assert theirs.offer == "Laugung"  # the other side's texts stay
