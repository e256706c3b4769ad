"""The personal agenda (issue 16, item 4): starring and un-starring programme items.

A star is set, not toggled: the form says which state it wants (``starred``), so a double
click, or the same form sent twice, leaves one star; the unique constraints of
``AgendaStar`` hold the rule under concurrent requests as well."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from .. import permissions
from ..models import AgendaStar, Event, ProgrammeItem, Registration


def may_star(user, item: ProgrammeItem, registration: Registration | None = None) -> bool:
    """Members star items of events they may see; a guest stars through their own active
    registration for the item's event. Items of cancelled events are not starred any more."""
    event = item.event
    if event.status == Event.Status.CANCELLED:
        return False
    if registration is not None:
        return registration.event_id == item.event_id and registration.is_active
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and permissions.can_see_event(user, event)
    )


def agenda_star_set(
    *, item: ProgrammeItem, actor, starred: bool, registration: Registration | None = None
) -> bool:
    """Stars (``starred=True``) or un-stars the item for the actor, or for the guest's
    registration when one is given. Returns whether the item is starred afterwards."""
    if not may_star(actor, item, registration):
        raise PermissionDenied
    holder = {"registration": registration} if registration is not None else {"user": actor}
    with transaction.atomic():
        if starred:
            AgendaStar.objects.get_or_create(item=item, **holder)
        else:
            AgendaStar.objects.filter(item=item, **holder).delete()
    return starred


def agenda_stars_erase(*, user) -> int:
    """Deleting an account: the person's stars go, their own and those made through their
    registrations' links (the registrations themselves are anonymised, not deleted)."""
    with transaction.atomic():
        deleted, _by_model = AgendaStar.objects.filter(
            models.Q(user=user) | models.Q(registration__user=user)
        ).delete()
    return deleted
