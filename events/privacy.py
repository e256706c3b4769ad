"""The events app's part of the data export and of account deletion (PRODUCT.md 3.5).

Registered from ``EventsConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forum.privacy import registry

from . import selectors, services
from .models import AgendaStar, CalendarFeed, SessionSignup, Speaker, Stand
from .models_meetings import MeetingParticipant, MeetingRequest
from .models_meetings_outcomes import MeetingOutcome

SECTION = "events"


def export_events(user) -> dict:
    """Registrations (with sessions), stand applications and speaker entries; never the
    secret links (registration token, check-in code, calendar feed)."""
    registrations = selectors.registrations_of(user).select_related("event", "organisation")
    signups = SessionSignup.objects.filter(registration__in=registrations).select_related(
        "item", "registration"
    )
    by_registration: dict[int, list] = {}
    for signup in signups:
        by_registration.setdefault(signup.registration_id, []).append(
            {"session": signup.item.title, "status": signup.status, "created_at": signup.created_at}
        )
    return {
        "registrations": [
            {
                "event": registration.event.title,
                "event_starts_at": registration.event.starts_at,
                "name": registration.name,
                "email": registration.email,
                "organisation": registration.display_organisation,
                "status": registration.status,
                "days": [day.isoformat() for day in registration.days],
                "dietary_needs": registration.dietary_needs,
                "accessibility_needs": registration.accessibility_needs,
                "attendee_list_consent": registration.list_consent,
                "attendee_list_consent_at": registration.list_consent_at,
                "language": registration.language,
                "created_at": registration.created_at,
                "confirmed_at": registration.confirmed_at,
                "waitlisted_at": registration.waitlisted_at,
                "cancelled_at": registration.cancelled_at,
                "checked_in_at": registration.checked_in_at,
                "sessions": by_registration.get(registration.pk, []),
            }
            for registration in registrations.order_by("created_at", "pk")
        ],
        "stands_applied_for": [
            {
                "event": stand.event.title,
                "organisation": stand.organisation.name,
                "kind": stand.kind,
                "description": stand.description,
                "status": stand.status,
                "created_at": stand.created_at,
            }
            for stand in Stand.objects.filter(applied_by=user)
            .select_related("event", "organisation")
            .order_by("created_at", "pk")
        ],
        "speaker_entries": [
            {"event": speaker.event.title, "name": speaker.name, "bio": speaker.bio}
            for speaker in Speaker.objects.filter(user=user).select_related("event")
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
        "starred_programme_items": [
            {"event": star.item.event.title, "item": star.item.title, "starred_at": star.created_at}
            for star in AgendaStar.objects.filter(
                Q(user=user) | Q(registration__in=registrations)
            ).select_related("item", "item__event")
        ],
        "meetings": _meetings_export(registrations),
    }


def _meetings_export(registrations) -> dict:
    """What the person wrote for B2B meetings and the requests they sent and received
    (the other side by name, as the person saw it on the meetings page)."""
    participants = MeetingParticipant.objects.filter(registration__in=registrations)
    requests = (
        MeetingRequest.objects.filter(requester__in=participants)
        | MeetingRequest.objects.filter(recipient__in=participants)
    ).select_related("event", "requester__registration", "recipient__registration", "slot", "place")
    mine = {participant.pk for participant in participants}
    return {
        "participations": [
            {
                "event": participant.event.title,
                "we_offer": participant.offer,
                "we_look_for": participant.looking_for,
                "opted_in_at": participant.created_at,
            }
            for participant in participants.select_related("event").order_by("pk")
        ],
        "requests": [
            {
                "event": request.event.title,
                "sent": request.requester_id in mine,
                "with": (
                    request.recipient if request.requester_id in mine else request.requester
                ).registration.name,
                "message": request.message,
                "status": request.status,
                "created_at": request.created_at,
                "starts_at": request.slot.starts_at if request.slot else None,
                "place": request.place.name if request.place else None,
            }
            for request in requests.order_by("created_at", "pk")
        ],
        "outcomes": [
            {
                "event": outcome.request.event.title,
                "meeting": outcome.request_id,
                "outcome": outcome.outcome,
                "useful": outcome.useful,
                "comment": outcome.comment,
                "reported_at": outcome.updated_at,
            }
            for outcome in MeetingOutcome.objects.filter(participant__in=participants)
            .select_related("request__event")
            .order_by("pk")
        ],
    }


def erase_events(user) -> None:
    """Future registrations are cancelled, past ones lose everything personal
    (``services.registrations_erase``); the personal agenda's stars are deleted."""
    services.agenda_stars_erase(user=user)
    services.meetings_erase(user=user)
    services.meeting_outcomes_erase(user=user)
    services.registrations_erase(user=user)


def register_privacy() -> None:
    registry.register(
        SECTION,
        export=export_events,
        erase=erase_events,
        label=_("Events"),
        description=_(
            "Your event registrations with days, workshop sessions, dietary and "
            "accessibility needs and attendee-list consent, the information stands you "
            "applied for, your entries as a speaker, the programme items you starred and your B2B meeting texts and requests."
        ),
    )
