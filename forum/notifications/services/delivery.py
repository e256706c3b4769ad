"""Sending pending notifications, each under its row lock, a batch over one connection."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from forum import locking

from .. import registry
from ..models import EmailState, Notification
from . import queue
from .common import batch_size, chunks, max_attempts, retry_delay
from .rendering import render_email
from .smtp import Mailer, describe, is_permanent

logger = logging.getLogger(__name__)


def _deliver_one(pk: int, mailer: Mailer) -> tuple[str, int | None]:
    """Sends one notification under its row lock. Returns the outcome and, for a retry,
    the delay in seconds."""
    with transaction.atomic():
        notification = locking.lock_one_or_none(
            Notification.objects.select_related("recipient", "recipient__profile"), pk
        )
        if notification is None or notification.email_state != EmailState.PENDING:
            return "skipped", None
        now = timezone.now()
        try:
            spec = registry.get_kind(notification.kind)
            extra = spec.prepare(notification) if spec.prepare else {}
            if extra is None:
                notification.email_state = EmailState.SKIPPED
                notification.email_last_error = "No longer applies."
                notification.save(update_fields=["email_state", "email_last_error"])
                return "obsolete", None
            if not notification.address:
                notification.email_state = EmailState.SKIPPED
                notification.save(update_fields=["email_state"])
                return "obsolete", None
            message = render_email(notification, extra)
        except SoftTimeLimitExceeded:
            raise  # the row lock's transaction rolls back: still pending, sent later
        except Exception as exc:  # a broken template must not block the batch
            logger.exception("Notification %s cannot be rendered.", pk)
            notification.email_state = EmailState.FAILED
            notification.email_attempts += 1
            notification.email_last_error = describe(exc)
            notification.save(update_fields=["email_state", "email_attempts", "email_last_error"])
            return "failed", None
        notification.email_attempts += 1
        try:
            mailer.send(message)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            notification.email_last_error = describe(exc)
            if is_permanent(exc) or notification.email_attempts >= max_attempts():
                logger.warning("Notification %s failed: %s", pk, notification.email_last_error)
                notification.email_state = EmailState.FAILED
                delay = None
            else:
                delay = retry_delay(notification.email_attempts)
                notification.email_next_attempt_at = now + timedelta(seconds=delay)
            notification.save(
                update_fields=[
                    "email_state",
                    "email_attempts",
                    "email_last_error",
                    "email_next_attempt_at",
                ]
            )
            return ("failed", None) if delay is None else ("retry", delay)
        notification.email_state = EmailState.SENT
        notification.email_sent_at = timezone.now()
        notification.email_last_error = ""
        notification.subject = message.subject[:255]
        if spec.sensitive:
            # The link in it is a secret; once delivered, nobody needs it here any more.
            notification.context = {"template": notification.context.get("template", "")}
        notification.save(
            update_fields=[
                "email_state",
                "email_sent_at",
                "email_attempts",
                "email_last_error",
                "subject",
                "context",
            ]
        )
        return "sent", None


def _schedule_retries(retries: dict[int, list[int]]) -> None:
    for delay, ids in retries.items():
        try:
            queue.enqueue(queue.DELIVER_BATCH, ids, countdown=delay)
        except Exception:
            logger.warning("Could not queue a retry; the periodic dispatch will.", exc_info=True)


def notification_deliver_batch(*, notification_ids: list[int]) -> dict[str, int]:
    """Sends the given notifications over one mail connection; returns counts per outcome."""
    outcomes: dict[str, int] = defaultdict(int)
    retries: dict[int, list[int]] = defaultdict(list)
    unreachable = 0
    with Mailer() as mailer:
        for index, pk in enumerate(notification_ids):
            outcome, delay = _deliver_one(pk, mailer)
            outcomes[outcome] += 1
            if delay is not None:
                retries[delay].append(pk)
            # A mail server that cannot be reached twice in a row (each try reopens the
            # connection) will not answer the rest of the batch either: leave it pending for
            # the periodic dispatch instead of waiting out a timeout per message.
            unreachable = unreachable + 1 if mailer.last_error_was_connection else 0
            if unreachable >= 2 and index + 1 < len(notification_ids):
                left = len(notification_ids) - index - 1
                logger.warning("Mail server unreachable; %d notification(s) left pending.", left)
                outcomes["deferred"] += left
                break
    _schedule_retries(retries)
    return dict(outcomes)


def notification_deliver_pending(*, due_only: bool = True) -> dict[str, int]:
    """Sends pending notifications in this process, without the broker (management command)."""
    totals: dict[str, int] = defaultdict(int)
    queryset = Notification.objects.filter(email_state=EmailState.PENDING)
    if due_only:
        queryset = queryset.filter(email_next_attempt_at__lte=timezone.now())
    ids = list(queryset.order_by("email_next_attempt_at", "pk").values_list("pk", flat=True))
    for chunk in chunks(ids, batch_size()):
        for outcome, count in notification_deliver_batch(notification_ids=chunk).items():
            totals[outcome] += count
    return dict(totals)
