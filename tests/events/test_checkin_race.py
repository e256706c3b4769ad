"""Two devices at the door check the same people in at the same moment (issue 15): each
person is checked in once, and the counts are right. Threads with their own PostgreSQL
connections, as in test_concurrency."""

import threading

import pytest
from django.db import connection

from events import permissions, selectors, services
from events.models import Registration
from forum import locking
from tests.factories import EventFactory, RegistrationFactory, organiser

race = pytest.mark.django_db(transaction=True)

PEOPLE = 20


def _two_devices(people, staff, *, reverse=True):
    """Both devices tap every person, the second one in reverse order unless told otherwise;
    returns what each tap answered ("checked in now" or not) and any errors."""
    fresh, errors = [], []
    start = threading.Barrier(2)

    def device(order):
        def run():
            try:
                start.wait(timeout=30)
                for registration in order:
                    _registration, now = services.registration_check_in(
                        registration=registration, actor=staff
                    )
                    fresh.append(now)
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()

        return run

    threads = [
        threading.Thread(target=device(people)),
        threading.Thread(target=device(list(reversed(people)) if reverse else people)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return fresh, errors


def _door():
    event = EventFactory(capacity=None)
    people = RegistrationFactory.create_batch(
        PEOPLE, event=event, status=Registration.Status.CONFIRMED
    )
    return event, people, organiser()


@race
def test_two_devices_check_each_person_in_once():
    event, people, staff = _door()

    fresh, errors = _two_devices(people, staff)

    assert errors == []
    assert fresh.count(True) == PEOPLE  # every person counted once ...
    assert fresh.count(False) == PEOPLE  # ... the other device heard "already checked in"
    assert selectors.checkin_counts(event) == {"confirmed": PEOPLE, "arrived": PEOPLE}


@race
def test_canary_without_the_lock_counts_people_twice(monkeypatch):
    """The same taps with the row lock switched off, both devices reading a person before
    either writes: both report "checked in now". This proves the race above is real and
    that the lock is what prevents it."""
    _event, people, staff = _door()
    meet = {registration.pk: threading.Barrier(2) for registration in people}
    original = permissions.can_be_checked_in

    def both_have_read(registration):
        meet[registration.pk].wait(timeout=30)
        return original(registration)

    monkeypatch.setattr(permissions, "can_be_checked_in", both_have_read)
    monkeypatch.setattr(locking, "ENABLED", False)

    fresh, errors = _two_devices(people, staff, reverse=False)

    assert errors == []
    assert fresh.count(True) == 2 * PEOPLE
