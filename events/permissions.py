"""Who may see or do what in events/ (PRODUCT.md 4). Views turn a False into a 404 for
things a user may not see, so drafts do not leak."""

from __future__ import annotations

from members.permissions import is_organiser, membership_of, organisation_can_act

from .models import Event, Registration


def can_see_event(user, event: Event) -> bool:
    """Published and cancelled events are public; drafts only organisers see."""
    return event.status != Event.Status.DRAFT or is_organiser(user)


def can_register(user, event: Event) -> bool:
    return event.registration_is_open


def can_apply_for_stand(user, event: Event) -> bool:
    """Members of an approved organisation apply for it while the event is published and
    ahead."""
    membership = membership_of(user)
    return (
        membership is not None
        and organisation_can_act(membership.organisation)
        and event.is_published
        and not event.is_past
    )


def can_check_in(user) -> bool:
    """Staff at the entrance: organisers and other staff accounts."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def can_see_attendee_list(user, event: Event, registration: Registration | None) -> bool:
    """Organisers see everyone; a confirmed attendee sees those who consented."""
    if is_organiser(user):
        return True
    return registration is not None and registration.status == Registration.Status.CONFIRMED


def can_manage_registration(user, registration: Registration) -> bool:
    """The account that registered (or whose address it is); others only with the token."""
    if user is None or not user.is_authenticated:
        return False
    return registration.user_id == user.pk or registration.email == user.email.lower()
