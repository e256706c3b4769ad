"""After a B2B meeting and around it (issue 14, items 5 and 6): each side says whether the
meeting took place and was useful; the morning mail of a meeting day; a cancelled
registration closes the person's requests and meetings.

Locks follow events/services/meetings.py: the event's ``MeetingSettings`` row first, then
the participants' rows by primary key.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.notifications.models import Notification

from .. import notifications_meetings_day as mails
from .. import selectors_meetings_outcomes as selectors
from ..models import BERLIN, Registration
from ..models_meetings import MeetingParticipant, MeetingRequest, MeetingSettings
from ..models_meetings_outcomes import MeetingOutcome
from .meetings import lock_participants, offer_freed, unbook

#: Stored in ``unscheduled_reason`` of requests and meetings closed because a side cancelled
#: their registration.
REGISTRATION_CANCELLED = "registration-cancelled"


def meeting_outcome_save(
    *, request: MeetingRequest, actor, held: bool, useful: bool | None, comment: str = ""
) -> MeetingOutcome:
    """The actor's side of ``request`` says whether the meeting took place and was useful.
    Only the two sides, only for a scheduled meeting whose slot has started; answering again
    changes the answer (a double submit leaves one row)."""
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise ValidationError(_("Please keep the line to 300 characters."))
    if held and useful is None:
        raise ValidationError(_("Say whether the meeting was useful."))
    with transaction.atomic():
        request = locking.lock_one(
            MeetingRequest.objects.select_related(
                "slot", "requester__registration", "recipient__registration"
            ),
            request.pk,
        )
        sides = {side.registration.user_id: side for side in (request.requester, request.recipient)}
        me = sides.get(getattr(actor, "pk", None)) if actor.is_authenticated else None
        if me is None:
            raise PermissionDenied
        if request.status != MeetingRequest.Status.ACCEPTED or request.slot is None:
            raise ValidationError(_("Only a scheduled meeting can be reported on."))
        if request.slot.starts_at > timezone.now():
            raise ValidationError(_("You can say how it went once the meeting has started."))
        outcome, _created = MeetingOutcome.objects.get_or_create(
            request=request,
            participant=me,
            defaults={"outcome": MeetingOutcome.Outcome.HELD},
        )
        outcome.outcome = MeetingOutcome.Outcome.HELD if held else MeetingOutcome.Outcome.NO_SHOW
        outcome.useful = useful if held else None
        outcome.comment = comment
        outcome.full_clean()
        outcome.save()
    return outcome


def meetings_close_for_registration(*, registration: Registration) -> int:
    """A cancelled registration: its pending requests close (sent ones are withdrawn as
    cancelled, received ones declined), its meetings are cancelled and their slots offered to
    waiting meetings; each other side is told. Called inside ``registration_cancel``'s
    transaction. Returns how many requests closed."""
    participant = MeetingParticipant.objects.filter(registration=registration).first()
    if participant is None:
        return 0
    closed = 0
    freed = False
    with transaction.atomic():
        locking.locked(MeetingSettings.objects.filter(event_id=participant.event_id)).first()
        requests = list(
            MeetingRequest.objects.filter(
                Q(requester=participant) | Q(recipient=participant),
                status__in=MeetingRequest.OPEN,
            )
            .select_related("event", "requester__registration", "recipient__registration", "slot")
            .order_by("pk")
        )
        lock_participants(
            participant.pk,
            *[r.requester_id for r in requests],
            *[r.recipient_id for r in requests],
        )
        now = timezone.now()
        for request in locking.locked(
            MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).select_related(
                "event", "requester__registration", "recipient__registration"
            )
        ).order_by("pk"):
            if request.status not in MeetingRequest.OPEN:
                continue
            was_meeting = request.status == MeetingRequest.Status.ACCEPTED
            if request.slot_id is not None:
                unbook(request)
                freed = True
            if request.status == MeetingRequest.Status.PENDING:
                request.answered_at = now
                request.status = (
                    MeetingRequest.Status.CANCELLED
                    if request.requester_id == participant.pk
                    else MeetingRequest.Status.DECLINED
                )
            else:
                request.status = MeetingRequest.Status.CANCELLED
            request.unscheduled_reason = REGISTRATION_CANCELLED
            request.save(update_fields=["status", "answered_at", "unscheduled_reason"])
            other = (
                request.recipient if request.requester_id == participant.pk else request.requester
            )
            mails.meeting_closed(request, gone=participant, other=other, was_meeting=was_meeting)
            closed += 1
        if freed:
            offer_freed(participant.event_id)
    return closed


def meeting_day_reminders_send(*, now=None) -> int:
    """The morning mail: everyone with a meeting today (Berlin) gets one mail listing them,
    once per person and day (the notification's dedup key records it, so a second run, or
    a second worker, sends nothing). Returns how many were recorded now."""
    now = now or timezone.now()
    today: date = timezone.localtime(now, BERLIN).date()
    sent = 0
    for participant in selectors.participants_meeting_on(today):
        if participant.registration.status != Registration.Status.CONFIRMED:
            continue
        if Notification.objects.filter(dedup_key=mails.day_key(participant, today)).exists():
            continue
        with transaction.atomic():
            mails.meeting_day(participant, today)
        sent += 1
    return sent


def meeting_outcomes_erase(*, user) -> None:
    """Deleting an account: the lines the person wrote about their meetings go; whether a
    meeting took place stays for the figures (it names nobody)."""
    MeetingOutcome.objects.filter(participant__registration__user=user).update(comment="")
