"""The in-app list: marking notifications read."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone, translation

from .. import unread
from ..models import Notification


def notification_mark_read(*, actor, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    ):
        unread.changed([actor.pk])


# Notifications that name the object by id rather than by the page they link to: a
# registration's mails lead to the event page, which other notifications share.
_READ_BY_ID = {"events.registration": "registration_id"}


def notification_mark_read_for(*, actor, obj) -> int:
    """Marks the actor's unread notifications about ``obj`` read, because the actor is
    looking at it now (a need, a conversation, a registration): they no longer count in the
    header. A notification is about ``obj`` when it links to ``obj``'s page, or for the
    models in ``_READ_BY_ID``, when it carries ``obj``'s id. One UPDATE; nothing for
    anonymous visitors or a missing object."""
    if obj is None or not getattr(actor, "is_authenticated", False):
        return 0
    id_key = _READ_BY_ID.get(obj._meta.label_lower)
    if id_key:
        about = Q(**{f"context__{id_key}": obj.pk})
    else:
        with translation.override(settings.LANGUAGE_CODE):  # stored without a language prefix
            about = Q(context__url=obj.get_absolute_url())
    marked = Notification.objects.filter(
        about, recipient=actor, in_app=True, read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        unread.changed([actor.pk])
    return marked


def notification_mark_all_read(*, actor) -> int:
    marked = Notification.objects.filter(recipient=actor, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        unread.changed([actor.pk])
    return marked
