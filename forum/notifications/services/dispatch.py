"""Handing pending notifications to the broker, and handing them again when it lost them."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from forum import locking

from ..models import EmailState, Notification
from . import queue
from .common import batch_size, chunks, setting

logger = logging.getLogger(__name__)


def dispatch(notification_ids: list[int]) -> None:
    """Queues delivery in batches. Never raises: with the broker down, the rows stay pending
    and ``notification_dispatch_due`` picks them up once it is back."""
    for chunk in chunks(list(notification_ids), batch_size()):
        try:
            queue.enqueue(queue.DELIVER_BATCH, chunk)
        except Exception:
            logger.warning(
                "Could not queue %d notification(s); the periodic dispatch will retry.",
                len(chunk),
                exc_info=True,
            )
            return


def dispatch_on_commit(notification_ids: list[int]) -> None:
    """Dispatches ``notification_ids`` once the current transaction commits; nothing if it
    rolls back. Robust: a failure is logged and the caller's commit stands."""
    ids = list(notification_ids)

    # A named function, not functools.partial: Django logs a robust callback's failure with
    # its __qualname__, which a partial does not have.
    def dispatch_committed_notifications():
        dispatch(ids)

    transaction.on_commit(dispatch_committed_notifications, robust=True)


def notification_dispatch_due(*, stale_after: int | None = None, limit: int = 20000) -> int:
    """Re-queues notifications still pending ``stale_after`` seconds after they were due.

    Their due time moves to now, so the next run leaves them alone while they wait in the
    queue. Rows a worker is sending right now (locked) are skipped.
    """
    stale_after = setting("NOTIFICATIONS_STALE_AFTER", 300) if stale_after is None else stale_after
    now = timezone.now()
    with transaction.atomic():
        due = Notification.objects.filter(
            email_state=EmailState.PENDING,
            email_next_attempt_at__lte=now - timedelta(seconds=stale_after),
        ).order_by("email_next_attempt_at", "pk")
        ids = list(locking.locked(due, skip_locked=True).values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids).update(email_next_attempt_at=now)
    if ids:
        logger.info("Re-dispatching %d pending notification(s).", len(ids))
        dispatch_on_commit(ids)
    return len(ids)


def notification_resend(*, actor, notifications) -> int:
    """Puts failed notifications back to pending with fresh attempts and queues them."""
    if not (actor.is_staff and actor.has_perm("notifications.change_notification")):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        failed = Notification.objects.filter(
            pk__in=[n.pk for n in notifications], email_state=EmailState.FAILED
        )
        ids = list(locking.locked(failed).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.PENDING, email_attempts=0, email_next_attempt_at=now
        )
        dispatch_on_commit(ids)
    return len(ids)
