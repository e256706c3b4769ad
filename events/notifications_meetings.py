"""The emails of B2B meetings (issue 14), through the outbox, in the events category
(transactional: they always arrive).

Every kind uses the one template set ``mail/events/meeting`` with ``change`` saying what
happened. The context holds ids only; the request as it is at delivery decides what is
said, and a mail whose news is out of date (an acceptance for a meeting cancelled since) is
not sent. The accepted and moved mails carry the meeting as an .ics file.

When the organisers schedule (organiser mode), publishing the schedule sends every
participant one mail (``events.meeting_schedule``, template ``mail/events/meeting_schedule``)
with all their meetings and one .ics file holding them; a meeting an organiser moves after
publication sends the "moved" mail to both sides.
"""

from __future__ import annotations

import icalendar
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum.notifications import registry
from forum.notifications.registry import Attachment
from forum.notifications.services import notify

from . import calendars
from .models_meetings import MeetingParticipant, MeetingRequest, MeetingSettings

CATEGORY = "events"
KINDS = ("requested", "reminder", "accepted", "declined", "expired", "moved", "cancelled")
#: The request's status in which each kind's news is still true.
STATUS = {
    "requested": "pending",
    "reminder": "pending",
    "accepted": "accepted",
    "declined": "declined",
    "expired": "expired",
    "moved": "accepted",
    "cancelled": "cancelled",
}


def _kind(change: str) -> str:
    return f"events.meeting_{change}"


def meeting_calendar(request: MeetingRequest, viewer) -> bytes:
    """The scheduled meeting as one calendar entry for ``viewer`` (a participant)."""
    calendar = calendars._calendar(request.event.title, method="PUBLISH")
    calendar.add_component(_component(request, viewer))
    return calendars._finish(calendar)


def schedule_calendar(event, meetings, viewer) -> bytes:
    """All of ``viewer``'s scheduled meetings as one calendar (the same entries, same UIDs,
    as the single meetings' files, so calendars update rather than double them)."""
    calendar = calendars._calendar(event.title, method="PUBLISH")
    for request in meetings:
        calendar.add_component(_component(request, viewer))
    return calendars._finish(calendar)


def _component(request: MeetingRequest, viewer):
    event = request.event
    other = request.recipient if viewer.pk == request.requester_id else request.requester
    component = icalendar.Event()
    component.add("uid", f"meeting-{request.pk}@{calendars._host()}")
    component.add("dtstamp", timezone.now())
    component.add("dtstart", calendars._berlin(request.slot.starts_at))
    component.add("dtend", calendars._berlin(request.slot.ends_at))
    component.add("summary", _("Meeting with %(name)s") % {"name": other.registration.name})
    component.add("location", f"{request.place.name}, {calendars._venue(event)}")
    component.add("status", "CONFIRMED")
    return component


def _prepare(change):
    def prepare(notification):
        request = (
            MeetingRequest.objects.select_related(
                "event",
                "slot",
                "place",
                "requester__registration__organisation",
                "recipient__registration__organisation",
            )
            .filter(pk=notification.context.get("request_id"))
            .first()
        )
        if request is None or request.status != STATUS[change]:
            return None
        if change in ("accepted", "moved") and (
            request.slot_id or None
        ) != notification.context.get("slot_id"):
            return None  # scheduled again since: the later mail tells the news
        viewer_id = notification.context.get("participant_id")
        me, other = (
            (request.requester, request.recipient)
            if viewer_id == request.requester_id
            else (request.recipient, request.requester)
        )
        with translation.override(notification.language):
            url = settings.SITE_URL + reverse(
                "events:meetings", kwargs={"slug": request.event.slug}
            )
        context = {
            "change": change,
            "request": request,
            "event": request.event,
            "me": me,
            "other": other,
            "meetings_url": url,
            "reason": request.reason_text,
        }
        if request.slot_id and change in ("accepted", "moved"):
            context["attachments"] = [
                Attachment(
                    filename=f"meeting-{request.pk}.ics",
                    content=meeting_calendar(request, me),
                    mimetype="text/calendar",
                )
            ]
        return context

    return prepare


def _prepare_schedule(notification):
    """Every meeting of the participant as the published schedule has it now; nothing
    when the schedule is no longer published or the participant left."""
    participant = (
        MeetingParticipant.objects.select_related("event", "registration")
        .filter(pk=notification.context.get("participant_id"))
        .first()
    )
    if participant is None:
        return None
    settings_row = MeetingSettings.objects.filter(event_id=participant.event_id).first()
    if settings_row is None or settings_row.schedule_published_at is None:
        return None
    accepted = (
        MeetingRequest.objects.filter(status=MeetingRequest.Status.ACCEPTED)
        .filter(models.Q(requester=participant) | models.Q(recipient=participant))
        .select_related(
            "event",
            "slot",
            "place",
            "requester__registration__organisation",
            "recipient__registration__organisation",
        )
        .order_by("slot__starts_at", "pk")
    )
    meetings, waiting = [], []
    for request in accepted:
        request.other = (
            request.recipient if request.requester_id == participant.pk else request.requester
        )
        (meetings if request.slot_id else waiting).append(request)
    with translation.override(notification.language):
        url = settings.SITE_URL + reverse(
            "events:meetings", kwargs={"slug": participant.event.slug}
        )
    context = {
        "event": participant.event,
        "me": participant,
        "meetings": meetings,
        "waiting": waiting,
        "meetings_url": url,
    }
    if meetings:
        context["attachments"] = [
            Attachment(
                filename="meetings.ics",
                content=schedule_calendar(participant.event, meetings, participant),
                mimetype="text/calendar",
            )
        ]
    return context


SCHEDULE_KIND = "events.meeting_schedule"


def register_notifications() -> None:
    for change in KINDS:
        registry.register_kind(
            _kind(change),
            category=CATEGORY,
            template="mail/events/meeting",
            prepare=_prepare(change),
        )
    registry.register_kind(
        SCHEDULE_KIND,
        category=CATEGORY,
        template="mail/events/meeting_schedule",
        prepare=_prepare_schedule,
    )


def _path(event) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("events:meetings", kwargs={"slug": event.slug})


def _send(change: str, request: MeetingRequest, participant, *, dedup_key: str = ""):
    registration = participant.registration
    return notify(
        kind=_kind(change),
        # The account deleted since (the registration stays): to the registered address.
        recipient=registration.user,
        email="" if registration.user_id else registration.email,
        language=registration.language,
        dedup_key=dedup_key,
        context={
            "request_id": request.pk,
            "participant_id": participant.pk,
            "slot_id": request.slot_id,
            "event_title": request.event.title,
            "url": _path(request.event),
        },
    )


def meeting_requested(request):
    return _send("requested", request, request.recipient)


def meeting_reminder(request):
    return _send(
        "reminder", request, request.recipient, dedup_key=f"events.meeting_reminder:{request.pk}"
    )


def meeting_accepted(request):
    """Both sides: the time and place, or why there is none yet."""
    return [_send("accepted", request, side) for side in (request.requester, request.recipient)]


def meeting_declined(request):
    return _send("declined", request, request.requester)


def meeting_expired(request):
    return [_send("expired", request, side) for side in (request.requester, request.recipient)]


def meeting_moved(request):
    return [_send("moved", request, side) for side in (request.requester, request.recipient)]


def meeting_schedule_published(participant, *, published_at):
    """One participant's published schedule (once per publication)."""
    registration = participant.registration
    return notify(
        kind=SCHEDULE_KIND,
        recipient=registration.user,
        email="" if registration.user_id else registration.email,
        language=registration.language,
        dedup_key=f"{SCHEDULE_KIND}:{participant.pk}:{published_at.isoformat()}",
        context={
            "participant_id": participant.pk,
            "event_title": participant.event.title,
            "url": _path(participant.event),
        },
    )


def meeting_cancelled(request, *, by):
    """The other side of whoever cancelled."""
    sides = [request.requester, request.recipient]
    return [
        _send("cancelled", request, side)
        for side in sides
        if side.registration.user_id != getattr(by, "pk", None)
    ]
