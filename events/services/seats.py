"""Seats and waiting lists of events and of workshop sessions, for the services of this
package.

Seats are counted and taken in one transaction that holds a row lock on the event
(``forum.locking``), as pretix does for quotas: two simultaneous registrations for the last
seat queue up on the lock, and the second one sees the first one's seat. Session seats lock
the programme item the same way. How many seats are free is ``selectors.seats_left`` /
``selectors.session_seats_left``, the one home of that arithmetic.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from forum import locking

from .. import notifications, selectors
from ..models import Event, ProgrammeItem, Registration, SessionSignup

Status = Registration.Status


def locked_event(event_id: int) -> Event:
    """The event, re-read under a row lock held until the transaction ends."""
    return locking.lock_one(Event, event_id)


def locked_item(item_id: int) -> ProgrammeItem:
    return locking.lock_one(ProgrammeItem, item_id)


def take_seat(event: Event, registration: Registration, now, *, taken: int | None = None) -> None:
    """Confirms the registration if a seat is free, or puts it on the waiting list. The
    caller holds the event lock; ``taken`` is the confirmed count when the caller counted
    it under that lock already."""
    free = selectors.seats_left(event, taken=taken)
    if free is None or free > 0:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.waitlisted_at = None
    elif event.waiting_list:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
    else:
        raise ValidationError(_("This event is fully booked."), code="full")


def promote(event: Event, now, *, only=None) -> list[Registration]:
    """Fills free seats from the waiting list in the order people joined it, never beyond
    the capacity; with ``only`` (registrations) just those waiting people. Each one promoted
    gets their session seats where free and is told. The caller holds the event lock."""
    free = selectors.seats_left(event)
    if free == 0:
        return []
    waiting = event.registrations.filter(status=Status.WAITLISTED)
    if only is not None:
        waiting = waiting.filter(pk__in=[registration.pk for registration in only])
    waiting = waiting.order_by("waitlisted_at", "id")
    if free is not None:
        waiting = waiting[:free]
    promoted = []
    for registration in list(waiting):
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        allocate_sessions(registration, now)
        notifications.registration_promoted(registration)
        promoted.append(registration)
    return promoted


def allocate_sessions(registration: Registration, now) -> list[SessionSignup]:
    """Gives a just-confirmed registration's waiting sign-ups a session seat where one is
    free; the others stay on the session's waiting list in their original order."""
    changed = []
    signups = registration.session_signups.filter(status=SessionSignup.Status.WAITLISTED)
    for signup in signups.order_by("item_id"):
        free = selectors.session_seats_left(locked_item(signup.item_id))
        if free is None or free > 0:
            signup.status = SessionSignup.Status.CONFIRMED
            signup.save(update_fields=["status"])
            changed.append(signup)
    return changed


def set_sessions(registration: Registration, item_ids: list[int], now) -> None:
    """Makes the registration's sign-ups match ``item_ids``: new ones wait until
    ``allocate_sessions`` (a registration that is not confirmed holds no session seat),
    dropped ones are cancelled and their seat goes to the next person."""
    existing = {signup.item_id: signup for signup in registration.session_signups.all()}
    freed = []
    for item_id, signup in existing.items():
        if item_id not in item_ids and signup.status != SessionSignup.Status.CANCELLED:
            was_confirmed = signup.status == SessionSignup.Status.CONFIRMED
            signup.status = SessionSignup.Status.CANCELLED
            signup.save(update_fields=["status"])
            if was_confirmed:
                freed.append(item_id)
    for item_id in item_ids:
        signup = existing.get(item_id)
        if signup is None:
            SessionSignup.objects.create(
                registration=registration,
                item_id=item_id,
                status=SessionSignup.Status.WAITLISTED,
                waitlisted_at=now,
            )
        elif signup.status == SessionSignup.Status.CANCELLED:
            signup.status = SessionSignup.Status.WAITLISTED
            signup.waitlisted_at = now
            signup.save(update_fields=["status", "waitlisted_at"])
    for item_id in freed:
        promote_session(item_id)


def promote_session(item_id: int) -> list[SessionSignup]:
    """Fills free session seats from its waiting list, first come first served; only
    confirmed registrations hold session seats."""
    item = locked_item(item_id)
    free = selectors.session_seats_left(item)
    if free == 0:
        return []
    waiting = item.signups.filter(
        registration__status=Status.CONFIRMED, status=SessionSignup.Status.WAITLISTED
    ).order_by("waitlisted_at", "id")
    if free is not None:
        waiting = waiting[:free]
    promoted = []
    for signup in waiting.select_related("registration", "item"):
        signup.status = SessionSignup.Status.CONFIRMED
        signup.save(update_fields=["status"])
        notifications.session_signup_changed(signup)
        promoted.append(signup)
    return promoted
