"""The race of issue 14's done-when: 300 participants, 12 slots, 40 places, 200 accepts at
the same moment from 16 threads with their own connections: nobody and no place is ever
booked twice, and every accepted request is scheduled or carries the reason why not."""

import contextlib
import threading
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, connections
from django.db.models import Count

from events.models import BERLIN, Registration
from events.models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)
from events.services import meetings as services
from forum import locking
from forum.notifications.models import EmailState, Notification
from forum.notifications.services import queue
from members.models import User
from tests.factories import PASSWORD, EventFactory

race = pytest.mark.django_db(transaction=True)

PARTICIPANTS, SLOTS, PLACES, ACCEPTS, WORKERS = 300, 12, 40, 200, 16


def _world(participants=PARTICIPANTS, slots=SLOTS, places=PLACES, accepts=ACCEPTS):
    """The event with everyone opted in and available in every slot, and ``accepts``
    pending requests; each person is in several (so people compete for slots too)."""
    event = EventFactory(capacity=None)
    MeetingSettings.objects.create(event=event, enabled=True)
    day = event.starts_at.astimezone(BERLIN).date()
    start = datetime.combine(day, time(10), tzinfo=BERLIN)
    slot_rows = MeetingSlot.objects.bulk_create(
        MeetingSlot(
            event=event,
            starts_at=start + timedelta(minutes=20 * i),
            ends_at=start + timedelta(minutes=20 * (i + 1)),
        )
        for i in range(slots)
    )
    MeetingPlace.objects.bulk_create(
        MeetingPlace(event=event, name=f"Tisch {i:02d}") for i in range(places)
    )
    # One query, not one per person (UserFactory's post_generation adds another each): the
    # race needs the people, not their log-in details.
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(email=f"race{i}@example.org", first_name="P", last_name=str(i), password=password)
        for i in range(participants)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event, user=u, name=f"P{i}", email=u.email, status="confirmed", language="de"
        )
        for i, u in enumerate(users)
    )
    people = MeetingParticipant.objects.bulk_create(
        MeetingParticipant(event=event, registration=r) for r in registrations
    )
    Through = MeetingParticipant.available_slots.through
    Through.objects.bulk_create(
        Through(meetingparticipant_id=p.pk, meetingslot_id=s.pk) for p in people for s in slot_rows
    )
    # Requests among the first 30 people: each of them in ~13 requests, more than the
    # 12 slots hold, so "no free slot" happens too.
    pairs, n = [], min(30, participants)
    step = 1
    while len(pairs) < accepts:
        for i in range(n):
            j = (i + step) % n
            if len(pairs) < accepts and i != j:
                pairs.append((people[i], people[j]))
        step += 1
    expires = start
    requests = MeetingRequest.objects.bulk_create(
        MeetingRequest(event=event, requester=a, recipient=b, expires_at=expires) for a, b in pairs
    )
    return event, requests


def _accept_all(requests, workers=WORKERS):
    queue = list(requests)
    lock = threading.Lock()
    barrier = threading.Barrier(workers)
    errors = []

    def work():
        try:
            barrier.wait(timeout=60)
            while True:
                with lock:
                    if not queue:
                        return
                    request = queue.pop()
                request = MeetingRequest.objects.select_related(
                    "recipient__registration__user"
                ).get(pk=request.pk)
                try:
                    services.meeting_answer(
                        request=request, actor=request.recipient.registration.user, accept=True
                    )
                except Exception as exc:  # counted, the canary expects some
                    errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def _double_bookings(event) -> tuple[int, int]:
    people = (
        MeetingBooking.objects.filter(slot__event=event)
        .values("slot", "participant")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    places = Counter(
        MeetingRequest.objects.filter(event=event, slot__isnull=False).values_list("slot", "place")
    )
    return people, sum(1 for n in places.values() if n > 1)


@pytest.fixture
def handed_to_the_queue(monkeypatch):
    """The notification ids handed to Celery after each commit, instead of delivering them
    there and then: with eager tasks (tests) each accept would render and send both mails in
    its thread after its commit, half the test's time, outside the race (the rows are
    written inside the accept's transaction; delivery has its own tests)."""
    ids, lock = [], threading.Lock()

    def enqueue(name, *args, countdown=None):
        assert name == queue.DELIVER_BATCH
        with lock:
            ids.extend(args[0])

    monkeypatch.setattr(queue, "enqueue", enqueue)
    return ids


@race
def test_200_simultaneous_accepts_never_double_book(handed_to_the_queue):
    event, requests = _world()
    errors = _accept_all(requests)
    assert errors == []
    assert _double_bookings(event) == (0, 0)
    accepted = MeetingRequest.objects.filter(event=event, status="accepted")
    assert accepted.count() == ACCEPTS
    scheduled = accepted.filter(slot__isnull=False)
    unscheduled = accepted.filter(slot__isnull=True)
    # Everyone scheduled or told why not (the reason stored, a mail to both sides).
    assert not unscheduled.filter(unscheduled_reason="").exists()
    told = Notification.objects.filter(
        context__request_id__in=list(accepted.values_list("pk", flat=True))
    )
    assert told.filter(email_state=EmailState.PENDING).count() == 2 * ACCEPTS
    assert sorted(handed_to_the_queue) == sorted(told.values_list("pk", flat=True))
    assert scheduled.count() > 0 and unscheduled.count() > 0
    assert MeetingBooking.objects.filter(slot__event=event).count() == 2 * scheduled.count()
    # Bookings agree with the person's own slots: no one twice in a slot by any path.
    for request in scheduled:
        assert set(request.bookings.values_list("slot_id", flat=True)) == {request.slot_id}


@race
def test_canary_without_the_lock_the_race_is_real(monkeypatch):
    """The same accepts with the locks off: transactions choose slots from the same stale
    picture, and only the database constraints stop the double bookings (as errors the
    participants would see). With the locks on (above) there are none: the lock matters."""
    event, requests = _world(participants=40, slots=2, places=3, accepts=60)
    original = services._free_slots
    barrier = threading.Barrier(WORKERS)

    def choose_then_meet(request, **kwargs):
        chosen = original(request, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return chosen

    monkeypatch.setattr(services, "_free_slots", choose_then_meet)
    with locking.disabled():
        errors = _accept_all(requests)
    assert any(isinstance(error, IntegrityError) for error in errors)
    assert _double_bookings(event) == (0, 0)  # the constraints held
    for alias in connections:
        connections[alias].close()
