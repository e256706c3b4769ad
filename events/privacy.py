"""The events app's part of the data export and of account deletion (PRODUCT.md 3.5).

Registered from ``EventsConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.privacy import registry

from . import services
from .models import CalendarFeed, Registration, SessionSignup, Speaker, Stand

SECTION = "events"
ERASED_NAME = "—"


def _registrations_of(user):
    return Registration.objects.filter(Q(user=user) | Q(email=user.email.lower()))


def export_events(user) -> dict:
    """Registrations (with sessions), stand applications and speaker entries; never the
    secret links (registration token, check-in code, calendar feed)."""
    registrations = _registrations_of(user).select_related("event", "organisation")
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
    }


def erase_events(user) -> None:
    """Future registrations are cancelled (their seats go to the waiting list); past ones
    stay for the organisers' attendance figures but lose everything personal."""
    now = timezone.now()
    for registration in _registrations_of(user).filter(
        event__ends_at__gt=now, status__in=Registration.ACTIVE_STATUSES
    ):
        services.registration_cancel(registration=registration, actor=user)
    for registration in _registrations_of(user):
        registration.user = None
        registration.name = ERASED_NAME
        registration.email = f"erased-{registration.pk}@invalid"
        registration.organisation = None
        registration.organisation_name = ""
        registration.dietary_needs = ""
        registration.accessibility_needs = ""
        registration.list_consent = False
        registration.list_consent_at = None
        registration.save()
    CalendarFeed.objects.filter(user=user).delete()


def register_privacy() -> None:
    registry.register(
        SECTION,
        export=export_events,
        erase=erase_events,
        label=_("Events"),
        description=_(
            "Your event registrations with days, workshop sessions, dietary and "
            "accessibility needs and attendee-list consent, the information stands you "
            "applied for and your entries as a speaker."
        ),
    )
