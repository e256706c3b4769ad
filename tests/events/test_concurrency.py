"""Capacity under a real race: many threads, each with its own PostgreSQL connection,
register for few seats at the same moment (pretix's concurrency tests do the same)."""

import contextlib
import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration, SessionSignup
from events.services import registrations
from forum import locking
from tests.factories import EventFactory, ProgrammeItemFactory, UserFactory

race = pytest.mark.django_db(transaction=True)

CLIENTS = 24
SEATS = 5


def _run(threads_targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(target)) for target in threads_targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _register_all(event, users, *, sessions=None):
    barrier = threading.Barrier(len(users))

    def register(user):
        def go():
            barrier.wait(timeout=30)
            services.registration_create(event=event, actor=user, sessions=sessions)

        return go

    return _run([register(user) for user in users])


@race
def test_race_never_more_confirmed_than_seats():
    event = EventFactory(capacity=SEATS)
    users = UserFactory.create_batch(CLIENTS)

    errors = _register_all(event, users)

    assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(Registration.Status.CONFIRMED) == SEATS
    assert statuses.count(Registration.Status.WAITLISTED) == CLIENTS - SEATS
    # The waiting list has a strict order: every waitlisted_at is distinct.
    times = event.registrations.filter(status="waitlisted").values_list("waitlisted_at", flat=True)
    assert len(set(times)) == CLIENTS - SEATS


@race
def test_race_canary_without_the_lock_overbooks(monkeypatch):
    """The same code path with the row lock switched off, every client reading the seat
    count before any writes: the event is overbooked. This proves the race above is real
    and that the lock is what prevents it."""
    event = EventFactory(capacity=SEATS)
    users = UserFactory.create_batch(CLIENTS // 2)
    barrier = threading.Barrier(len(users))
    # Registering counts the seats taken where it looks for the address (issue 17, P5).
    original = registrations._address_and_seats

    def count_then_meet(ev, email):
        seen = original(ev, email)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return seen

    monkeypatch.setattr(locking, "ENABLED", False)
    monkeypatch.setattr(registrations, "_address_and_seats", count_then_meet)

    errors = _register_all(event, users)

    assert errors == []
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert confirmed > SEATS


@race
def test_race_with_the_lock_and_the_same_barrier_stays_within_capacity(monkeypatch):
    """With the lock on, the barrier above cannot gather everyone (the others wait on the
    lock in PostgreSQL), so it breaks, and the seats are still never exceeded."""
    event = EventFactory(capacity=2)
    users = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(users))
    # Registering counts the seats taken where it looks for the address (issue 17, P5).
    original = registrations._address_and_seats

    def count_then_meet(ev, email):
        seen = original(ev, email)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=0.5)
        return seen

    monkeypatch.setattr(registrations, "_address_and_seats", count_then_meet)

    errors = _register_all(event, users)

    assert errors == []
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2


@race
def test_race_session_seats_never_exceeded():
    event = EventFactory(capacity=None)
    session = ProgrammeItemFactory(event=event, kind="workshop_session", capacity=3)
    users = UserFactory.create_batch(12)

    errors = _register_all(event, users, sessions=[session])

    assert errors == []
    signups = SessionSignup.objects.filter(item=session)
    assert signups.filter(status="confirmed").count() == 3
    assert signups.filter(status="waitlisted").count() == 9


@race
def test_race_same_person_many_times_one_registration():
    event = EventFactory(capacity=SEATS)
    user = UserFactory()

    errors = _register_all(event, [user] * 8)

    assert errors == []
    assert event.registrations.count() == 1
    assert event.registrations.get().status == Registration.Status.CONFIRMED


@race
def test_race_cancel_and_register_keep_capacity():
    """Cancellations promoting from the waiting list while others register."""
    event = EventFactory(capacity=3)
    holders = UserFactory.create_batch(3)
    for user in holders:
        services.registration_create(event=event, actor=user)
    newcomers = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(holders) + len(newcomers))

    def cancel(user):
        def go():
            barrier.wait(timeout=30)
            registration = Registration.objects.get(event=event, user=user)
            services.registration_cancel(registration=registration)

        return go

    def register(user):
        def go():
            barrier.wait(timeout=30)
            services.registration_create(event=event, actor=user)

        return go

    errors = _run([cancel(u) for u in holders] + [register(u) for u in newcomers])

    assert errors == []
    confirmed = event.registrations.filter(status="confirmed").count()
    waiting = event.registrations.filter(status="waitlisted").count()
    assert confirmed == 3
    assert waiting == 3
