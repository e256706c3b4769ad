"""B2B meetings at an event (issue 14): organisers' settings, slots and places; participants
opt in, request, accept, decline, cancel and ask for another slot; unanswered requests are
reminded once and expire.

Scheduling (accept, another slot, a freed slot offered again) happens under row locks taken
through forum.locking in one stable order: first the event's ``MeetingSettings`` row (which
serialises every scheduling decision of the event), then the participants' rows by primary
key. The database constraints (one meeting per place and slot, one booking per person and
slot) stand behind the locks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking

from .. import notifications_meetings as mails
from .. import permissions
from .. import permissions_meetings as rules
from ..models import BERLIN, Event
from ..models_meetings import (
    MeetingBooking,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
)

#: Why an accepted request has no slot (stored as the code, shown through ``REASONS``).
NO_COMMON_SLOT = "no-common-slot"
NO_FREE_SLOT = "no-free-slot"
AWAITING_SCHEDULE = "awaiting-schedule"


# --- Organisers ---------------------------------------------------------------------------


def meeting_settings_save(*, settings: MeetingSettings, actor) -> MeetingSettings:
    permissions.require_organiser(actor)
    settings.full_clean()
    settings.save()
    return settings


def meeting_settings_for(event: Event) -> MeetingSettings:
    settings, _created = MeetingSettings.objects.get_or_create(event=event)
    return settings


def meeting_slots_generate(*, event: Event, day, start, end, actor) -> list[MeetingSlot]:
    """Slots of the settings' length from ``start`` to ``end`` (times of day, Berlin) on
    ``day``; slots that exist already (same start) are kept, not doubled."""
    permissions.require_organiser(actor)
    if end <= start:
        raise ValidationError(_("The window must end after it starts."))
    minutes = meeting_settings_for(event).slot_minutes
    if minutes < 5:
        raise ValidationError(_("Slots must be at least 5 minutes long."))
    length = timedelta(minutes=minutes)
    current = datetime.combine(day, start, tzinfo=BERLIN)
    stop = datetime.combine(day, end, tzinfo=BERLIN)
    made = []
    with transaction.atomic():
        while current + length <= stop:
            slot, _created = MeetingSlot.objects.get_or_create(
                event=event, starts_at=current, defaults={"ends_at": current + length}
            )
            made.append(slot)
            current += length
    return made


def meeting_slot_save(*, slot: MeetingSlot, actor) -> MeetingSlot:
    permissions.require_organiser(actor)
    slot.full_clean()
    slot.save()
    return slot


def meeting_slot_delete(*, slot: MeetingSlot, actor) -> None:
    permissions.require_organiser(actor)
    if slot.meetings.exists():
        raise ValidationError(_("Meetings are booked in this slot; cancel or move them first."))
    slot.delete()


def meeting_place_save(*, place: MeetingPlace, actor) -> MeetingPlace:
    permissions.require_organiser(actor)
    place.full_clean()
    place.save()
    return place


def meeting_place_delete(*, place: MeetingPlace, actor) -> None:
    permissions.require_organiser(actor)
    if place.meetings.exists():
        raise ValidationError(_("Meetings are booked at this place; cancel or move them first."))
    place.delete()


# --- Participants -------------------------------------------------------------------------


def lock_settings(event_id: int) -> MeetingSettings:
    """Locks and returns the event's settings row, the first lock of every scheduling step."""
    return locking.locked(MeetingSettings.objects.filter(event_id=event_id)).get()


def lock_participants(*ids: int) -> None:
    """Locks these participants' rows in primary-key order, after the settings row."""
    locking.lock_rows(MeetingParticipant.objects.filter(pk__in=sorted(set(ids))))


def meeting_opt_in(
    *, event: Event, actor, offer: str, looking_for: str, slots
) -> MeetingParticipant:
    """Opts the actor's confirmed registration in (or changes the texts and slots). A slot
    with a meeting booked stays available: unticking it does not move the meeting."""
    registration = rules.meeting_registration(actor, event)
    if registration is None or not rules.meetings_enabled(event):
        raise PermissionDenied
    slot_ids = {slot.pk for slot in slots}
    if MeetingSlot.objects.filter(pk__in=slot_ids).exclude(event=event).exists():
        raise ValidationError(_("Choose slots of this event."))
    with transaction.atomic():
        lock_settings(event.pk)
        participant, _created = MeetingParticipant.objects.get_or_create(
            event=event, registration=registration
        )
        lock_participants(participant.pk)
        participant.offer = (offer or "").strip()
        participant.looking_for = (looking_for or "").strip()
        participant.full_clean()
        participant.save()
        booked = set(participant.bookings.values_list("slot_id", flat=True))
        participant.available_slots.set(slot_ids | booked)
        offer_freed(event.pk)
    return participant


def meeting_request_send(
    *, event: Event, actor, recipient: MeetingParticipant, message: str
) -> MeetingRequest:
    """Asks ``recipient`` for a meeting. One open request per pair, whichever side sent it:
    the same request sent twice returns the first."""
    registration = rules.meeting_registration(actor, event)
    if registration is None or not rules.meetings_enabled(event):
        raise PermissionDenied
    requester = MeetingParticipant.objects.filter(registration=registration).first()
    if requester is None:
        raise ValidationError(_("Opt in to meetings first."))
    if recipient.event_id != event.pk:
        raise PermissionDenied
    if recipient.pk == requester.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    with transaction.atomic():
        settings = lock_settings(event.pk)
        _refuse_after_deadline(settings)
        lock_participants(requester.pk, recipient.pk)
        open_requests = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN)
        same = open_requests.filter(requester=requester, recipient=recipient).first()
        if same is not None:
            return same
        if open_requests.filter(requester=recipient, recipient=requester).exists():
            raise ValidationError(
                _("%(name)s has already asked you for a meeting.")
                % {"name": recipient.registration.name}
            )
        request = MeetingRequest.objects.create(
            event=event,
            requester=requester,
            recipient=recipient,
            message=(message or "").strip()[:1000],
            expires_at=timezone.now() + timedelta(hours=settings.expiry_hours),
        )
        mails.meeting_requested(request)
    return request


def _refuse_after_deadline(settings: MeetingSettings) -> None:
    if settings.by_organisers and settings.deadline_passed():
        raise ValidationError(
            _(
                "The deadline for meeting requests has passed; the organisers are now "
                "placing the accepted meetings."
            )
        )


def _locked_request(request: MeetingRequest) -> MeetingRequest:
    lock_settings(request.event_id)
    lock_participants(request.requester_id, request.recipient_id)
    return locking.locked(
        MeetingRequest.objects.select_related(
            "event", "requester__registration", "recipient__registration"
        )
    ).get(pk=request.pk)


def _free_slots(request: MeetingRequest, *, exclude=()):
    """(slot, place) pairs, earliest first, in which both sides are available and unbooked
    and a place is free; and the reason when there are none."""
    sides = [request.requester_id, request.recipient_id]
    common = (
        MeetingSlot.objects.filter(event_id=request.event_id, starts_at__gt=timezone.now())
        .filter(available=sides[0])
        .filter(available=sides[1])
    )
    if not common.exists():
        return None, None, NO_COMMON_SLOT
    candidates = (
        common.exclude(pk__in=MeetingBooking.objects.filter(participant__in=sides).values("slot"))
        .exclude(pk__in=list(exclude))
        .order_by("starts_at", "pk")
    )
    places = list(MeetingPlace.objects.filter(event_id=request.event_id).order_by("name", "pk"))
    for slot in candidates:
        taken = set(slot.meetings.values_list("place_id", flat=True))
        for place in places:
            if place.pk not in taken:
                return slot, place, ""
    return None, None, NO_FREE_SLOT


def book(request: MeetingRequest, slot, place) -> None:
    """Gives ``request`` the slot and place and books both sides into the slot."""
    request.slot, request.place, request.unscheduled_reason = slot, place, ""
    request.save(update_fields=["slot", "place", "unscheduled_reason"])
    MeetingBooking.objects.bulk_create(
        [
            MeetingBooking(request=request, slot=slot, participant_id=side)
            for side in (request.requester_id, request.recipient_id)
        ]
    )


def unbook(request: MeetingRequest) -> None:
    """Takes ``request`` out of its slot and place and frees both sides' bookings."""
    request.bookings.all().delete()
    request.slot = request.place = None
    request.save(update_fields=["slot", "place"])


def _schedule(request: MeetingRequest, *, exclude=()) -> bool:
    slot, place, reason = _free_slots(request, exclude=exclude)
    if slot is None:
        request.unscheduled_reason = reason
        request.save(update_fields=["unscheduled_reason"])
        return False
    book(request, slot, place)
    return True


def offer_freed(event_id: int) -> None:
    """Gives the event's accepted requests still without a slot another try, oldest first.

    Called under the settings lock, e.g. after a meeting was cancelled or someone added
    slots. When the organisers schedule (organiser mode), nothing is placed one by one."""
    if MeetingSettings.objects.filter(
        event_id=event_id, mode=MeetingSettings.Mode.ORGANISER
    ).exists():
        return
    waiting = MeetingRequest.objects.filter(
        event_id=event_id, status=MeetingRequest.Status.ACCEPTED, slot__isnull=True
    ).order_by("answered_at", "pk")
    for request in waiting:
        lock_participants(request.requester_id, request.recipient_id)
        if _schedule(request):
            mails.meeting_accepted(request)


def meeting_answer(*, request: MeetingRequest, actor, accept: bool) -> MeetingRequest:
    """The recipient accepts (the meeting gets the earliest slot both are free in and a
    free place, or stays unscheduled and both are told why) or declines."""
    with transaction.atomic():
        request = _locked_request(request)
        if request.status != MeetingRequest.Status.PENDING:
            if accept and request.status == MeetingRequest.Status.ACCEPTED:
                return request  # the same click twice
            raise ValidationError(_("This request has already been answered."))
        if not rules.can_answer(actor, request):
            raise PermissionDenied
        settings = MeetingSettings.objects.get(event_id=request.event_id)
        _refuse_after_deadline(settings)
        request.answered_at = timezone.now()
        if not accept:
            request.status = MeetingRequest.Status.DECLINED
            request.save(update_fields=["status", "answered_at"])
            mails.meeting_declined(request)
            return request
        request.status = MeetingRequest.Status.ACCEPTED
        if settings.by_organisers:
            # Placed with all the others by the scheduler after the deadline.
            request.unscheduled_reason = AWAITING_SCHEDULE
            request.save(update_fields=["status", "answered_at", "unscheduled_reason"])
        else:
            request.save(update_fields=["status", "answered_at"])
            _schedule(request)
        mails.meeting_accepted(request)
    return request


def meeting_cancel(*, request: MeetingRequest, actor) -> MeetingRequest:
    """Either side cancels; the freed slot and place are offered to waiting meetings."""
    with transaction.atomic():
        request = _locked_request(request)
        if request.status == MeetingRequest.Status.CANCELLED:
            return request
        if not rules.can_cancel(actor, request):
            raise PermissionDenied
        freed = request.slot_id is not None
        if freed:
            unbook(request)
        request.status = MeetingRequest.Status.CANCELLED
        request.save(update_fields=["status"])
        mails.meeting_cancelled(request, by=actor)
        if freed:
            offer_freed(request.event_id)
    return request


def meeting_reschedule(*, request: MeetingRequest, actor) -> MeetingRequest:
    """Either side asks for another slot: the earliest other free one. When there is none,
    the meeting keeps its slot and the actor is told."""
    with transaction.atomic():
        request = _locked_request(request)
        if not rules.can_reschedule(actor, request):
            raise PermissionDenied
        if MeetingSettings.objects.get(event_id=request.event_id).by_organisers:
            raise ValidationError(
                _("The organisers schedule the meetings of this event; please ask them.")
            )
        old = request.slot_id
        slot, place, _reason = _free_slots(request, exclude={old} if old else set())
        if slot is None:
            raise ValidationError(_("There is no other slot in which you are both free."))
        if old:
            unbook(request)
        book(request, slot, place)
        mails.meeting_moved(request)
        if old:
            offer_freed(request.event_id)
    return request


def meeting_requests_expire(*, now=None) -> tuple[int, int]:
    """Reminds recipients once (when a third of the time is left) and expires unanswered
    requests; both sides are told of the expiry. Returns (reminded, expired)."""
    now = now or timezone.now()
    reminded = expired = 0
    due = MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING).select_related(
        "event__meeting_settings"
    )
    for request in due.filter(expires_at__lte=now).order_by("pk"):
        with transaction.atomic():
            request = _locked_request(request)
            if request.status == MeetingRequest.Status.PENDING and request.expires_at <= now:
                request.status = MeetingRequest.Status.EXPIRED
                request.save(update_fields=["status"])
                mails.meeting_expired(request)
                expired += 1
    for request in due.filter(expires_at__gt=now, reminded_at__isnull=True).order_by("pk"):
        left = timedelta(hours=request.event.meeting_settings.expiry_hours) / 3
        if request.expires_at - now > left:
            continue
        with transaction.atomic():
            request = _locked_request(request)
            if request.status == MeetingRequest.Status.PENDING and request.reminded_at is None:
                request.reminded_at = now
                request.save(update_fields=["reminded_at"])
                mails.meeting_reminder(request)
                reminded += 1
    return reminded, expired


def meetings_erase(*, user) -> None:
    """Deleting an account: what the person wrote for meetings goes (their "we offer / we
    look for" texts and the messages of the requests they sent); the requests and meetings
    stay as records of the other side, as the anonymised registrations do."""
    with transaction.atomic():
        participants = MeetingParticipant.objects.filter(registration__user=user)
        MeetingRequest.objects.filter(requester__in=participants).update(message="")
        participants.update(offer="", looking_for="")
