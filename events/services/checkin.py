"""The door: checking people in and undoing it, and walk-ins registered on the spot.

Several devices check in at once: each change locks the registration row
(``forum.locking``), so the same person tapped on two phones is checked in once and the
second tap answers "already checked in at …". A walk-in takes a seat under the event lock
by the same seat rules as every other registration."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code

from .. import permissions, selectors
from ..models import Event, Registration
from . import seats

Status = Registration.Status


def registration_check_in_undo(*, registration: Registration, actor) -> tuple[Registration, bool]:
    """Takes back a check-in made by mistake. Undoing twice is harmless.
    Returns ``(registration, undone_now)``."""
    if not permissions.can_check_in(actor):
        raise PermissionDenied
    with transaction.atomic():
        registration = locking.lock_one(Registration, registration.pk)
        if registration.checked_in_at is None:
            return registration, False
        registration.checked_in_at = None
        registration.save(update_fields=["checked_in_at"])
        return registration, True


def registration_walk_in(
    *,
    event: Event,
    actor,
    name: str,
    email: str = "",
    organisation_name: str = "",
    language: str | None = None,
) -> Registration:
    """Registers someone who arrives without a registration and checks them in, if a seat
    is free (the capacity holds at the door too). Without an email address the registration
    gets a placeholder address (``.invalid``, never delivered). A known address is checked in
    under its registration instead of registering twice."""
    if not permissions.can_check_in(actor):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    email = (email or "").strip().lower()
    now = timezone.now()
    with transaction.atomic():
        event = seats.locked_event(event.pk)
        if event.is_cancelled:
            raise ValidationError(_("This event has been cancelled."), code="cancelled")
        registration = (
            Registration.objects.filter(event=event, email=email).first() if email else None
        )
        if registration is not None and registration.status == Status.CONFIRMED:
            registration = locking.lock_one(Registration, registration.pk)
            if registration.checked_in_at is None:
                registration.checked_in_at = now
                registration.save(update_fields=["checked_in_at"])
            return registration
        free = selectors.seats_left(event)
        if free is not None and free <= 0:
            raise ValidationError(_("This event is fully booked."), code="full")
        if registration is None:
            placeholder = f"walk-in-{secrets.token_hex(8)}@walk-in.invalid"
            registration = Registration(event=event, email=email or placeholder)
        registration.name = name
        registration.organisation_name = (organisation_name or "").strip()
        registration.language = language_code(language)
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.waitlisted_at = None
        registration.cancelled_at = None
        registration.checked_in_at = now
        registration.full_clean(exclude=["event", "user", "organisation"], validate_unique=False)
        registration.save()
        return registration
