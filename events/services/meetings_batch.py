"""Meetings scheduled by the organisers (issue 14, organiser mode): after the requests
deadline the scheduler (events/meetings_scheduler.py) places every accepted request at once;
organisers review the grid, move meetings by hand under the same checks as any booking, and
publish, which mails every participant their meetings.

Locks (forum.locking), in the order of events/services/meetings.py: the event's
``MeetingSettings`` row first, then participants by primary key. A run locks every
participant of the event, so no participant's answer or cancellation interleaves with it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking

from .. import meetings_scheduler as scheduler
from .. import notifications_meetings as mails
from .. import permissions
from ..models import Event
from ..models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)
from .meetings import book, lock_participants, lock_settings, unbook


@dataclass
class ScheduleRun:
    placed: int
    unplaced: int
    kept: int  # meetings that stayed where they were (booked before or moved by hand)
    seconds: float


def _organiser_settings(event: Event, actor) -> MeetingSettings:
    permissions.require_organiser(actor)
    settings = lock_settings(event.pk)
    if not settings.by_organisers:
        raise ValidationError(
            _(
                "This event's meetings are booked at once on acceptance; switch to scheduling by the organisers first."
            )
        )
    return settings


def meeting_schedule_run(*, event: Event, actor, from_scratch: bool = False) -> ScheduleRun:
    """Places every accepted request without a slot; meetings already placed (by an
    earlier run or by hand) stay unless ``from_scratch``. Requests that do not fit keep
    the scheduler's reason. After publication, everyone whose meeting got or changed its
    time is mailed."""
    started = time.perf_counter()
    with transaction.atomic():
        settings = _organiser_settings(event, actor)
        locking.lock_rows(MeetingParticipant.objects.filter(event=event).order_by("pk"))
        accepted = list(
            MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED)
            .order_by("pk")
            .only("pk", "requester_id", "recipient_id", "slot_id", "place_id", "event_id")
        )
        before = {request.pk: (request.slot_id, request.place_id) for request in accepted}
        if from_scratch:
            MeetingBooking.objects.filter(request__in=accepted).delete()
            MeetingRequest.objects.filter(pk__in=[r.pk for r in accepted]).update(
                slot=None, place=None
            )
            for request in accepted:
                request.slot_id = request.place_id = None
        slots = list(
            MeetingSlot.objects.filter(event=event, starts_at__gt=timezone.now()).order_by(
                "starts_at", "pk"
            )
        )
        places = list(
            MeetingPlace.objects.filter(event=event)
            .order_by("name", "pk")
            .values_list("pk", flat=True)
        )
        available: dict[int, list[int]] = {}
        through = MeetingParticipant.available_slots.through
        for participant_id, slot_id in through.objects.filter(
            meetingparticipant__event=event
        ).values_list("meetingparticipant_id", "meetingslot_id"):
            available.setdefault(participant_id, []).append(slot_id)
        fixed = [
            scheduler.Fixed(r.pk, r.requester_id, r.recipient_id, r.slot_id, r.place_id)
            for r in accepted
            if r.slot_id is not None
        ]
        todo = [r for r in accepted if r.slot_id is None]
        result = scheduler.schedule(
            slots=[
                scheduler.Slot(slot.pk, timezone.localtime(slot.starts_at).date()) for slot in slots
            ],
            places=places,
            available=available,
            requests=[scheduler.Request(r.pk, r.requester_id, r.recipient_id) for r in todo],
            fixed=fixed,
        )
        changed = []
        bookings = []
        for request in todo:
            if request.pk in result.placed:
                request.slot_id, request.place_id = result.placed[request.pk]
                request.unscheduled_reason = ""
                bookings += [
                    MeetingBooking(request=request, slot_id=request.slot_id, participant_id=side)
                    for side in (request.requester_id, request.recipient_id)
                ]
                if before[request.pk] != (request.slot_id, request.place_id):
                    changed.append(request)
            else:
                request.unscheduled_reason = result.unplaced.get(request.pk, scheduler.NO_ROOM_LEFT)
        MeetingRequest.objects.bulk_update(
            todo, ["slot", "place", "unscheduled_reason"], batch_size=500
        )
        MeetingBooking.objects.bulk_create(bookings, batch_size=1000)
        if settings.schedule_published_at is not None:
            for request in changed:
                # Placed for the first time: "confirmed"; placed elsewhere: "moved".
                had_slot = before[request.pk][0] is not None
                news = mails.meeting_moved if had_slot else mails.meeting_accepted
                news(_with_sides(request))
    return ScheduleRun(
        placed=len(result.placed),
        unplaced=len(todo) - len(result.placed),
        kept=len(fixed),
        seconds=time.perf_counter() - started,
    )


def _with_sides(request: MeetingRequest) -> MeetingRequest:
    return MeetingRequest.objects.select_related(
        "event", "requester__registration", "recipient__registration"
    ).get(pk=request.pk)


def meeting_move(*, request: MeetingRequest, slot: MeetingSlot, place: MeetingPlace, actor):
    """An organiser puts an accepted meeting into ``slot`` at ``place`` under the checks
    of any booking: both people available and free then, the place free. After
    publication both sides are mailed the new time."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        settings = lock_settings(request.event_id)
        lock_participants(request.requester_id, request.recipient_id)
        request = locking.locked(
            MeetingRequest.objects.select_related(
                "event", "requester__registration", "recipient__registration"
            )
        ).get(pk=request.pk)
        if request.status != MeetingRequest.Status.ACCEPTED:
            raise ValidationError(_("Only accepted meetings can be placed."))
        if slot.event_id != request.event_id or place.event_id != request.event_id:
            raise ValidationError(_("Choose a slot and a place of this event."))
        if (request.slot_id, request.place_id) == (slot.pk, place.pk):
            return request
        for side in (request.requester, request.recipient):
            if not side.available_slots.filter(pk=slot.pk).exists():
                raise ValidationError(
                    _("%(name)s is not available at that time.") % {"name": side.registration.name}
                )
            clash = (
                MeetingBooking.objects.filter(slot=slot, participant=side)
                .exclude(request=request)
                .select_related(
                    "request__requester__registration", "request__recipient__registration"
                )
                .first()
            )
            if clash is not None:
                other = (
                    clash.request.recipient
                    if clash.request.requester_id == side.pk
                    else clash.request.requester
                )
                raise ValidationError(
                    _("%(name)s already meets %(other)s at that time.")
                    % {"name": side.registration.name, "other": other.registration.name}
                )
        taken = (
            MeetingRequest.objects.filter(slot=slot, place=place)
            .exclude(pk=request.pk)
            .select_related("requester__registration", "recipient__registration")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                _("%(place)s is taken at that time by the meeting of %(a)s and %(b)s.")
                % {
                    "place": place.name,
                    "a": taken.requester.registration.name,
                    "b": taken.recipient.registration.name,
                }
            )
        if request.slot_id is not None:
            unbook(request)
        book(request, slot, place)
        if settings.schedule_published_at is not None:
            mails.meeting_moved(request)
    return request


def meeting_schedule_publish(*, event: Event, actor) -> int:
    """Publishes the schedule: participants see their meetings from now on and each gets
    one mail with them (and a calendar file). Publishing twice sends nothing more.
    Returns the number of mails."""
    with transaction.atomic():
        settings = _organiser_settings(event, actor)
        if settings.schedule_published_at is not None:
            return 0
        if settings.requests_deadline and not settings.deadline_passed():
            raise ValidationError(
                _("Publish after the requests deadline, when no more requests come in.")
            )
        settings.schedule_published_at = timezone.now()
        settings.save(update_fields=["schedule_published_at"])
        participants = MeetingParticipant.objects.filter(event=event).select_related(
            "registration", "event"
        )
        count = 0
        for participant in participants.order_by("pk"):
            mails.meeting_schedule_published(
                participant, published_at=settings.schedule_published_at
            )
            count += 1
    return count
