"""Deleting notifications and mass mails nobody needs any more (data minimisation)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import unread
from ..models import EmailState, MassMail, Notification
from .common import setting


def notification_purge_old(*, keep_days: int | None = None) -> int:
    """Deletes what is older than ``NOTIFICATIONS_KEEP_DAYS`` and done with (sent, not sent,
    failed), and mass mails as old: notifications name people, and nobody needs last
    year's "X joined your organisation" (data minimisation). Anything still to be sent stays."""
    keep_days = setting("NOTIFICATIONS_KEEP_DAYS", 365) if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=keep_days)
    with transaction.atomic():
        old = Notification.objects.filter(created_at__lt=cutoff).exclude(
            email_state__in=[EmailState.PENDING, EmailState.DIGEST]
        )
        unread.changed(
            old.filter(in_app=True, read_at__isnull=True)
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        deleted, _by_model = old.delete()
        MassMail.objects.filter(created_at__lt=cutoff).exclude(
            notifications__email_state__in=[EmailState.PENDING, EmailState.DIGEST]
        ).delete()
    return deleted
