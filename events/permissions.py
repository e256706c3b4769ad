"""Who may see or do what in events/ (PRODUCT.md 4), one predicate per rule.

The views, the templates (through ``events_tags``), the selectors and the services all ask
these functions, so a rule changes in one place. Views turn a False into a 404 for things a
user may not see, so drafts do not leak.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from members.permissions import (
    can_act_for_organisation,
    can_see_organisation,
    is_member_of,
    is_organiser,
)

from .models import Event, Registration, Stand

#: Everyone sees these events; the others (drafts) only those who ``can_see_drafts``.
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def can_manage_events(user) -> bool:
    """Organisers run the events: the admin screens, the waiting lists, stand decisions,
    cancelling an event and the name badges."""
    return is_organiser(user)


def require_organiser(actor) -> None:
    """Raises ``PermissionDenied`` unless ``can_manage_events``: the first line of every
    service, and of admin screens, that only organisers may use."""
    if not can_manage_events(actor):
        raise PermissionDenied


def can_see_drafts(user) -> bool:
    """Events not yet published (with their programme and documents) only organisers see."""
    return is_organiser(user)


def can_see_event(user, event: Event) -> bool:
    """Published and cancelled events are public; drafts only organisers see. Lists and
    pages apply it as a filter, ``selectors.events_visible_to``."""
    return event.status in PUBLIC_STATUSES or can_see_drafts(user)


def can_see_every_attendee(user) -> bool:
    """Organisers see every confirmed attendee; others only those who consented."""
    return is_organiser(user)


def can_see_attendee_list(user, event: Event, registration: Registration | None) -> bool:
    """Organisers see everyone; a confirmed attendee sees those who consented."""
    if can_see_every_attendee(user):
        return True
    return registration is not None and registration.status == Registration.Status.CONFIRMED


def can_change_registration(registration: Registration) -> bool:
    """The attendee (whoever holds the registration's secret link) may still change or
    cancel it: it is active and the event is neither over nor cancelled."""
    event = registration.event
    return registration.is_active and not event.is_past and not event.is_cancelled


def takes_stand_applications(event: Event) -> bool:
    """Stands are applied for while the event is published and ahead."""
    return event.is_published and not event.is_past


def can_apply_for_stand(user, event: Event) -> bool:
    """Members of an approved organisation apply for it while the event takes applications."""
    return can_act_for_organisation(user) and takes_stand_applications(event)


def can_withdraw_stand(user, stand: Stand) -> bool:
    """A member of the stand's organisation, or an organiser."""
    return can_manage_events(user) or is_member_of(user, stand.organisation)


def stand_can_be_withdrawn(stand: Stand) -> bool:
    """An application (applied or confirmed) can be taken back until the event is over."""
    return stand.status != Stand.Status.DECLINED and not stand.event.is_past


def can_check_in(user) -> bool:
    """Staff at the entrance: organisers and other staff accounts."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def can_be_checked_in(registration: Registration) -> bool:
    """Only confirmed registrations are checked in."""
    return registration.status == Registration.Status.CONFIRMED


def links_organisation_page(organisation) -> bool:
    """A speaker's organisation is linked to its page when everyone may see that page (an
    approved platform organisation); a pending or rejected one is named, not linked."""
    return organisation is not None and can_see_organisation(AnonymousUser(), organisation)
