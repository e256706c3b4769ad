"""The event and its programme as organisers edit them in the admin: the event itself
(publishing, cancelling, its capacity), programme items, rooms and speakers.

Clashes (a room or a speaker in two places at once) are refused by the programme item's
admin form and by ``programme_item_move`` (the schedule editor), both with the rules of
events/validation.py. The programme PDF is rebuilt
after changes by the signals in events/signals.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum import locking

from .. import notifications, permissions, validation
from ..models import Event, ProgrammeItem, Registration, Room, SessionSignup, Speaker
from . import seats

# --- The event ---------------------------------------------------------------------------


def event_save(*, event: Event, actor) -> list[Registration]:
    """Saves an organiser's new or changed event. Setting an event to cancelled cancels it
    as ``event_cancel`` does (everybody registered is told); a changed capacity or waiting
    list fills free seats from the waiting list. Returns who moved up."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        stored = None if event.pk is None else locking.lock_one_or_none(Event, event.pk)
        cancelling = (
            stored is not None
            and stored.status != Event.Status.CANCELLED
            and event.status == Event.Status.CANCELLED
        )
        if cancelling:
            event.status = stored.status  # event_cancel cancels and tells everyone
        event.full_clean()
        event.save()
        if cancelling:
            event_cancel(event=event, actor=actor)
            event.refresh_from_db()
            return []
        if stored is not None and (stored.capacity, stored.waiting_list) != (
            event.capacity,
            event.waiting_list,
        ):
            return event_capacity_changed(event=event)
        return []


def event_capacity_changed(*, event: Event) -> list[Registration]:
    """After an organiser raised the capacity or switched on the waiting list: promote."""
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        if not event.is_published:
            return []
        return seats.promote(event, now)


def event_cancel(*, event: Event, actor) -> Event:
    """Cancels the event and tells everybody still registered. Their registrations keep
    their state, so the record shows who had a seat."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        if event.is_cancelled:
            return event
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        active = list(
            event.registrations.filter(status__in=Registration.ACTIVE_STATUSES).exclude(
                status=Registration.Status.PENDING
            )
        )
        notifications.event_cancelled(event, active)
        return event


def event_delete(*, event: Event, actor) -> None:
    """Deletes an event with everything that belongs to it (nobody is told: cancel an event
    that people registered for instead)."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        event.delete()


# --- Programme items, rooms, speakers ------------------------------------------------------


def programme_item_save(*, item: ProgrammeItem, actor, speakers=None) -> ProgrammeItem:
    """Saves an organiser's new or changed programme item and, when given, its speakers. A
    session whose capacity changed fills its free seats from its waiting list."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        stored = None if item.pk is None else locking.lock_one_or_none(ProgrammeItem, item.pk)
        item.full_clean()
        item.save()
        if speakers is not None:
            item.speakers.set(speakers)
        if stored is not None and stored.capacity != item.capacity:
            item_capacity_changed(item=item)
        return item


def programme_item_move(*, item: ProgrammeItem, actor, starts_at, ends_at, room) -> ProgrammeItem:
    """Moves an item to another time and room (the schedule editor; ``room`` None puts it
    among the items without a room). Refuses, with the reason as a ValidationError, what the
    admin form refuses: a time outside the event, a room of another event, the room or a
    speaker in two places at once. The event's row lock serialises moves of one event, so two
    organisers cannot both put something into the same free slot."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        event = locking.lock_one(Event, item.event_id)
        item = locking.lock_one(ProgrammeItem, item.pk)
        item.event = event
        item.starts_at, item.ends_at, item.room = starts_at, ends_at, room
        item.full_clean()
        found = validation.item_clashes(item)
        if found:
            raise ValidationError({field: [message] for field, message in found[:1]})
        item.save(update_fields=["starts_at", "ends_at", "room"])
        return item


def item_capacity_changed(*, item: ProgrammeItem) -> list[SessionSignup]:
    if item.capacity is None:
        return []
    with transaction.atomic():
        return seats.promote_session(item.pk)


def programme_item_delete(*, item: ProgrammeItem, actor) -> None:
    """Deletes a programme item with its session sign-ups."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        item.delete()


def room_save(*, room: Room, actor) -> Room:
    permissions.require_organiser(actor)
    with transaction.atomic():
        room.full_clean()
        room.save()
        return room


def room_delete(*, room: Room, actor) -> None:
    """Deletes a room; its programme items stay, without a room."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        room.delete()


def speaker_save(*, speaker: Speaker, actor) -> Speaker:
    permissions.require_organiser(actor)
    with transaction.atomic():
        speaker.full_clean()
        speaker.save()
        return speaker


def speaker_delete(*, speaker: Speaker, actor) -> None:
    """Deletes a speaker; they disappear from their programme items."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        speaker.delete()
