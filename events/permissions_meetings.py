"""Who may do what with the B2B meetings of an event (issue 14), one predicate per rule."""

from __future__ import annotations

from .models import Event, Registration
from .models_meetings import MeetingRequest, MeetingSettings


def meetings_enabled(event: Event) -> bool:
    """Organisers switched meetings on for a published event that is not over."""
    settings = MeetingSettings.objects.filter(event=event).first()
    return bool(
        settings is not None and settings.enabled and event.is_published and not event.is_past
    )


def meeting_registration(user, event: Event) -> Registration | None:
    """The user's confirmed registration of ``event``: only confirmed participants with an
    account take part in meetings."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user, status=Registration.Status.CONFIRMED)
        .select_related("organisation")
        .first()
    )


def can_use_meetings(user, event: Event) -> bool:
    return meetings_enabled(event) and meeting_registration(user, event) is not None


def is_side_of(user, request: MeetingRequest) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.pk
        in (
            request.requester.registration.user_id,
            request.recipient.registration.user_id,
        )
    )


def can_answer(user, request: MeetingRequest) -> bool:
    """Only the recipient accepts or declines, while the request waits."""
    return (
        request.status == MeetingRequest.Status.PENDING
        and user.is_authenticated
        and request.recipient.registration.user_id == user.pk
    )


def can_cancel(user, request: MeetingRequest) -> bool:
    """Either side cancels an open request or meeting."""
    return request.status in MeetingRequest.OPEN and is_side_of(user, request)


def can_reschedule(user, request: MeetingRequest) -> bool:
    """Either side asks for another slot for an accepted meeting."""
    return request.status == MeetingRequest.Status.ACCEPTED and is_side_of(user, request)
