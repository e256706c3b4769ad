"""Meetings scheduled by the organisers (issue 14, organiser mode): accepting waits for the
scheduler, the deadline closes requests and answers, the run places everything at once and
keeps meetings placed by hand, moving checks like any booking and says why not, publishing
mails everyone their meetings; the admin page answers bad input with 4xx."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models_meetings import MeetingBooking, MeetingRequest, MeetingSettings
from events.services import meetings as services
from events.services import meetings_batch as batch
from tests.events.test_meetings import attendee, meeting_event, opted_in
from tests.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages, URLs and pages in English (the default is German)."""
    with translation.override("en"):
        yield


def organiser_event(*, slots=3, places=1, deadline_in=timedelta(days=1)):
    event = meeting_event(slots=slots, places=places)
    MeetingSettings.objects.filter(event=event).update(
        mode=MeetingSettings.Mode.ORGANISER, requests_deadline=timezone.now() + deadline_in
    )
    return event


def close_requests(event):
    MeetingSettings.objects.filter(event=event).update(
        requests_deadline=timezone.now() - timedelta(minutes=1)
    )


def agree(event, a, pb):
    request = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    return services.meeting_answer(request=request, actor=pb.registration.user, accept=True)


def people(event, count, slots=None, names=None):
    users = [attendee(event, name=names[i] if names else None, language="en") for i in range(count)]
    return users, [opted_in(event, user, slots) for user in users]


def test_accepting_in_organiser_mode_waits_for_the_scheduler(django_capture_on_commit_callbacks):
    event = organiser_event()
    (a, _b), (_pa, pb) = people(event, 2, names=["Ada Lovelace", "Bernd Berg"])
    with django_capture_on_commit_callbacks(execute=True):
        request = agree(event, a, pb)
    request.refresh_from_db()
    assert request.status == "accepted" and request.slot is None
    assert request.unscheduled_reason == "awaiting-schedule"
    assert not MeetingBooking.objects.exists()
    accepted = next(m for m in mail.outbox if "accepted, not yet scheduled" in m.subject)
    assert "after the request deadline" in accepted.body and not accepted.attachments


def test_after_the_deadline_no_requests_or_answers():
    event = organiser_event()
    (a, b, _c), (_pa, pb, pc) = people(event, 3)
    waiting = services.meeting_request_send(event=event, actor=a, recipient=pb, message="")
    close_requests(event)
    with pytest.raises(ValidationError, match="deadline"):
        services.meeting_request_send(event=event, actor=a, recipient=pc, message="")
    with pytest.raises(ValidationError, match="deadline"):
        services.meeting_answer(request=waiting, actor=b, accept=True)
    # Cancelling stays possible.
    services.meeting_cancel(request=waiting, actor=a)


def test_the_immediate_mode_still_books_at_once():
    event = meeting_event()
    (a, _b), (_pa, pb) = people(event, 2)
    assert agree(event, a, pb).slot is not None
    with pytest.raises(ValidationError):
        batch.meeting_schedule_run(event=event, actor=organiser())


def test_the_run_places_every_accepted_request_without_double_bookings():
    event = organiser_event(slots=3, places=2)
    users, participants = people(event, 5)
    for i in range(5):
        for j in range(i + 1, 5):
            agree(event, users[i], participants[j])
    close_requests(event)
    with pytest.raises(PermissionDenied):
        batch.meeting_schedule_run(event=event, actor=UserFactory())
    run = batch.meeting_schedule_run(event=event, actor=organiser())
    # 10 pairs; 3 slots x 2 places = 6 meetings at most (5 people: 2 meetings per slot).
    assert run.placed == 6 and run.unplaced == 4
    placed = MeetingRequest.objects.filter(slot__isnull=False)
    assert placed.count() == 6 and MeetingBooking.objects.count() == 12
    for request in placed:
        for side in (request.requester, request.recipient):
            assert side.available_slots.filter(pk=request.slot_id).exists()
    assert set(
        MeetingRequest.objects.filter(slot__isnull=True).values_list(
            "unscheduled_reason", flat=True
        )
    ) == {"no-room-left"}
    # Running again changes nothing that is placed.
    again = batch.meeting_schedule_run(event=event, actor=organiser())
    assert again.placed == 0 and again.kept == 6


def test_a_meeting_moved_by_hand_stays_unless_from_scratch():
    event = organiser_event(slots=3, places=2)
    (a, _b, _c), (_pa, pb, pc) = people(event, 3)
    first = agree(event, a, pb)
    agree(event, a, pc)
    last_slot = event.meeting_slots.order_by("-starts_at").first()
    place = event.meeting_places.first()
    boss = organiser()
    batch.meeting_move(request=first, slot=last_slot, place=place, actor=boss)
    batch.meeting_schedule_run(event=event, actor=boss)
    first.refresh_from_db()
    assert first.slot == last_slot
    batch.meeting_schedule_run(event=event, actor=boss, from_scratch=True)
    assert MeetingRequest.objects.filter(slot__isnull=False).count() == 2
    assert MeetingBooking.objects.count() == 4


def test_moving_checks_availability_clashes_and_the_place():
    event = organiser_event(slots=2, places=1)
    first_slot, second_slot = event.meeting_slots.order_by("starts_at")
    users, (_pa, pb, pc, pd) = people(event, 4, names=["Ada", "Bernd", "Carla", "Dora"])
    pd.available_slots.set([first_slot])
    ab = agree(event, users[0], pb)
    cd = agree(event, users[2], pd)
    ac = agree(event, users[0], pc)
    table = event.meeting_places.get()
    boss = organiser()
    batch.meeting_move(request=ab, slot=first_slot, place=table, actor=boss)
    with pytest.raises(ValidationError, match="Dora is not available at that time"):
        batch.meeting_move(request=cd, slot=second_slot, place=table, actor=boss)
    with pytest.raises(ValidationError, match="Ada already meets Bernd at that time"):
        batch.meeting_move(request=ac, slot=first_slot, place=table, actor=boss)
    with pytest.raises(
        ValidationError, match="Tisch 01 is taken at that time by the meeting of Ada and Bernd"
    ):
        batch.meeting_move(request=cd, slot=first_slot, place=table, actor=boss)
    with pytest.raises(PermissionDenied):
        batch.meeting_move(request=cd, slot=first_slot, place=table, actor=users[2])
    other_event = meeting_event()
    with pytest.raises(ValidationError, match="of this event"):
        batch.meeting_move(
            request=cd, slot=other_event.meeting_slots.first(), place=table, actor=boss
        )
    assert MeetingBooking.objects.count() == 2


def test_publishing_mails_everyone_their_meetings_and_moves_after_it(
    django_capture_on_commit_callbacks,
):
    event = organiser_event(slots=2, places=2)
    users, (_pa, pb, _pc) = people(event, 3, names=["Ada Lovelace", "Bernd Berg", "Carla Cruz"])
    ab = agree(event, users[0], pb)
    boss = organiser()
    with pytest.raises(ValidationError, match="after the requests deadline"):
        batch.meeting_schedule_publish(event=event, actor=boss)
    close_requests(event)
    batch.meeting_schedule_run(event=event, actor=boss)
    ab.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert batch.meeting_schedule_publish(event=event, actor=boss) == 3
        assert batch.meeting_schedule_publish(event=event, actor=boss) == 0
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    ada = by_address[users[0].email]
    assert ada.subject == f"Your meetings at {event.title}"
    when = timezone.localtime(ab.slot.starts_at).strftime("%H:%M")
    assert "Bernd Berg" in ada.body and ab.place.name in ada.body and when in ada.body
    (_name, content, mimetype) = ada.attachments[0]
    content = content.encode() if isinstance(content, str) else content
    assert mimetype.startswith("text/calendar") and b"Bernd Berg" in content
    carla = by_address[users[2].email]
    assert "No meeting could be scheduled for you." in carla.body and not carla.attachments
    # A move after publication tells both sides the new time.
    mail.outbox.clear()
    other_slot = event.meeting_slots.exclude(pk=ab.slot_id).get()
    with django_capture_on_commit_callbacks(execute=True):
        batch.meeting_move(request=ab, slot=other_slot, place=ab.place, actor=boss)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users[0].email, users[1].email])
    moved = mail.outbox[0]
    assert "moved" in moved.subject
    assert timezone.localtime(other_slot.starts_at).strftime("%H:%M") in moved.body


def test_participants_see_times_only_after_publication(client):
    event = organiser_event(slots=2, places=2)
    users, (_pa, pb) = people(event, 2)
    agree(event, users[0], pb)
    client.force_login(users[0])
    url = reverse("events:meetings", kwargs={"slug": event.slug})
    page = client.get(url).content.decode()
    assert "Accepted; will be scheduled after" in page and "Send and answer meeting" in page
    close_requests(event)
    boss = organiser()
    batch.meeting_schedule_run(event=event, actor=boss)
    page = client.get(url).content.decode()
    assert "the organisers will schedule it" in page and "meeting-when" not in page
    assert "Requests are closed" in page and "Accept</button>" not in page
    batch.meeting_schedule_publish(event=event, actor=boss)
    page = client.get(url).content.decode()
    assert "meeting-when" in page and "Tisch 01" in page


# --- The admin page ---------------------------------------------------------------------


def schedule_url(event):
    return reverse("admin:events_event_meetings_schedule", args=[event.pk])


def test_the_schedule_page_runs_moves_and_publishes(client):
    event = organiser_event(slots=2, places=1)
    users, (_pa, pb, pc) = people(event, 3, names=["Ada", "Bernd", "Carla"])
    ab = agree(event, users[0], pb)
    ac = agree(event, users[0], pc)
    close_requests(event)
    client.force_login(organiser())
    page = client.get(schedule_url(event))
    assert page.status_code == 200 and "Run the scheduler" in page.content.decode()
    response = client.post(schedule_url(event), {"action": "run"})
    assert response.status_code == 302
    page = client.get(schedule_url(event)).content.decode()
    assert "The scheduler placed 2 meetings." in page and "Ada \u2013 Bernd" in page
    ab.refresh_from_db()
    ac.refresh_from_db()
    # Move Ada and Carla into Ada's other meeting's slot: refused with the reason, 400.
    response = client.post(
        schedule_url(event),
        {"action": "move", "meeting": ac.pk, "slot": ab.slot_id, "place": ab.place_id},
    )
    assert response.status_code == 400
    assert "Ada already meets Bernd at that time" in response.content.decode()
    for bad in (
        {"action": "move", "meeting": ac.pk, "slot": "x", "place": ab.place_id},
        {"action": "move", "meeting": 999999, "slot": ab.slot_id, "place": ab.place_id},
        {"action": "nonsense"},
    ):
        assert client.post(schedule_url(event), bad).status_code == 400
    response = client.post(schedule_url(event), {"action": "publish"})
    assert response.status_code == 302
    assert MeetingSettings.objects.get(event=event).schedule_published_at is not None


def test_the_schedule_page_is_for_organisers_only(client):
    event = organiser_event()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(schedule_url(event)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(schedule_url(event)).status_code == 302  # to the admin login
    client.force_login(organiser())
    assert (
        client.get(reverse("admin:events_event_meetings_schedule", args=[999999])).status_code
        == 404
    )


def test_the_schedule_page_costs_the_same_queries_for_1_and_30_meetings(client):
    def queries(count):
        event = organiser_event(slots=6, places=6)
        users, participants = people(event, count + 1)
        for i in range(count):
            agree(event, users[i], participants[count])
        close_requests(event)
        boss = organiser()
        batch.meeting_schedule_run(event=event, actor=boss)
        client.force_login(boss)
        client.get(schedule_url(event))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(schedule_url(event)).status_code == 200
        return len(captured)

    assert queries(1) == queries(30)


def test_switching_to_organiser_mode_keeps_booked_meetings(django_capture_on_commit_callbacks):
    event = meeting_event(slots=2, places=1)
    users, (_pa, pb, pc) = people(event, 3)
    booked = agree(event, users[0], pb)  # immediate: booked at once
    assert booked.slot is not None
    MeetingSettings.objects.filter(event=event).update(mode=MeetingSettings.Mode.ORGANISER)
    waiting = agree(event, users[1], pc)
    waiting.refresh_from_db()
    assert waiting.slot is None and waiting.unscheduled_reason == "awaiting-schedule"
    # A cancellation does not hand the slot to a waiting meeting one by one any more.
    services.meeting_cancel(request=booked, actor=users[0])
    waiting.refresh_from_db()
    assert waiting.slot is None
    with pytest.raises(ValidationError, match="organisers schedule"):
        services.meeting_reschedule(request=waiting, actor=users[1])
    run = batch.meeting_schedule_run(event=event, actor=organiser())
    assert run.placed == 1


def test_only_organisers_publish_and_german_readers_get_german(
    django_capture_on_commit_callbacks,
):
    event = organiser_event(slots=1, places=1)
    a = attendee(event, language="de", name="Anke Berg")
    b = attendee(event, language="de", name="Bodo Harz")
    opted_in(event, a)
    pb = opted_in(event, b)
    agree(event, a, pb)
    close_requests(event)
    boss = organiser()
    batch.meeting_schedule_run(event=event, actor=boss)
    with pytest.raises(PermissionDenied):
        batch.meeting_schedule_publish(event=event, actor=a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch.meeting_schedule_publish(event=event, actor=boss)
    anke = next(m for m in mail.outbox if m.to == [a.email])
    assert anke.subject == f"Ihre Treffen bei {event.title}"
    assert "Bodo Harz" in anke.body and "Tisch 01" in anke.body
    assert "Die angehängte Kalenderdatei enthält alle." in anke.body


def test_a_run_after_publication_confirms_newly_placed_meetings(
    django_capture_on_commit_callbacks,
):
    event = organiser_event(slots=2, places=1, deadline_in=timedelta(minutes=-1))
    users, (_pa, pb, _pc) = people(event, 3, names=["Ada Lovelace", "Bernd Berg", "Carla Cruz"])
    MeetingSettings.objects.filter(event=event).update(requests_deadline=None)
    boss = organiser()
    batch.meeting_schedule_publish(event=event, actor=boss)
    late = agree(event, users[0], pb)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch.meeting_schedule_run(event=event, actor=boss)
    late.refresh_from_db()
    assert late.slot is not None
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Meeting with Ada Lovelace confirmed", "Meeting with Bernd Berg confirmed"]
