"""More emails of B2B meetings (issue 14, item 6), through the outbox in the events category
(transactional):

- ``events.meeting_day``: on the morning of a meeting day, one mail per participant with
  that day's meetings (time, place, other side); one per person and day (the dedup key is
  the record);
- ``events.meeting_closed``: a registration was cancelled, so its open requests and meetings
  closed; the other side is told.

The context holds ids and what the subject line needs; the rest is read at delivery, and a
morning mail whose meetings have all gone since is not sent.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from forum.notifications import registry
from forum.notifications.services import notify

from .models_meetings import MeetingParticipant, MeetingRequest

CATEGORY = "events"
DAY = "events.meeting_day"
CLOSED = "events.meeting_closed"


def _url(name: str, event) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"slug": event.slug})


def _prepare_day(notification):
    from .selectors_meetings_outcomes import meetings_on_day

    participant = (
        MeetingParticipant.objects.select_related("event", "registration")
        .filter(pk=notification.context.get("participant_id"))
        .first()
    )
    if participant is None:
        return None
    day = date.fromisoformat(notification.context["day"])
    meetings = meetings_on_day(participant, day)
    if not meetings:
        return None
    with translation.override(notification.language):
        url = _url("events:agenda", participant.event)
    return {
        "event": participant.event,
        "me": participant,
        "day": day,
        "meetings": meetings,
        "agenda_url": url,
    }


def _prepare_closed(notification):
    request = (
        MeetingRequest.objects.select_related("event", "slot", "place")
        .filter(pk=notification.context.get("request_id"))
        .first()
    )
    if request is None:
        return None
    with translation.override(notification.language):
        url = _url("events:meetings", request.event)
    return {"request": request, "event": request.event, "meetings_url": url}


def register_notifications() -> None:
    registry.register_kind(
        DAY, category=CATEGORY, template="mail/events/meeting_day", prepare=_prepare_day
    )
    registry.register_kind(
        CLOSED, category=CATEGORY, template="mail/events/meeting_closed", prepare=_prepare_closed
    )


def _to(participant, kind: str, context: dict, *, dedup_key: str = ""):
    registration = participant.registration
    return notify(
        kind=kind,
        recipient=registration.user,
        email="" if registration.user_id else registration.email,
        language=registration.language,
        dedup_key=dedup_key,
        context=context,
    )


def day_key(participant, day: date) -> str:
    return f"{DAY}:{participant.pk}:{day.isoformat()}"


def meeting_day(participant, day: date):
    """The morning mail of ``day`` to ``participant``; a second call the same day returns the
    first notification."""
    return _to(
        participant,
        DAY,
        {
            "participant_id": participant.pk,
            "day": day.isoformat(),
            "event_title": participant.event.title,
        },
        dedup_key=day_key(participant, day),
    )


def meeting_closed(request: MeetingRequest, *, gone, other, was_meeting: bool):
    """Tells ``other`` that ``gone`` cancelled their registration, so the request (or the
    meeting) is closed."""
    return _to(
        other,
        CLOSED,
        {
            "request_id": request.pk,
            "name": gone.registration.name,
            "event_title": request.event.title,
            "was_meeting": was_meeting,
        },
    )
