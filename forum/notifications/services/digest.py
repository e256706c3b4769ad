"""The daily digest: one email per user listing everything that waited for it."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from forum import locking

from .. import registry
from ..models import EmailState, Notification
from . import queue
from .common import localised_url, max_attempts, retry_delay, site_link, user_language
from .rendering import render_subject
from .smtp import Mailer, describe, is_permanent, mail_domain

logger = logging.getLogger(__name__)


def digest_recipients() -> list[int]:
    return list(
        Notification.objects.filter(email_state=EmailState.DIGEST, recipient__isnull=False)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_deliver(*, user_id: int, mailer: Mailer | None = None) -> str:
    """One email listing everything waiting for ``user_id``'s digest, then marks it sent.

    Rows another worker is sending right now are skipped (``SKIP LOCKED``), so two digest
    runs never send the same item twice.
    """
    own_mailer = mailer is None
    mailer = mailer or Mailer()
    try:
        with transaction.atomic():
            waiting = Notification.objects.filter(
                recipient_id=user_id, email_state=EmailState.DIGEST
            ).order_by("created_at", "pk")
            rows = list(locking.locked(waiting, skip_locked=True))
            if not rows:
                return "empty"
            user = get_user_model().objects.select_related("profile").get(pk=user_id)
            language = user_language(user)
            with translation.override(language):
                items = [
                    {
                        "subject": render_subject(row),
                        "url": settings.SITE_URL + localised_url(row.url, language)
                        if row.url
                        else "",
                        "created_at": row.created_at,
                        "category": registry.category_label(row.category),
                    }
                    for row in rows
                ]
                context = {
                    "recipient": user,
                    "items": items,
                    "site_url": settings.SITE_URL,
                    "notifications_url": site_link("notifications:list", language),
                    "preferences_url": site_link(
                        "members:profile_edit", language, "#notifications"
                    ),
                    # mail/base.html puts it on <html lang>, as for every other email.
                    "language": language,
                }
                subject = " ".join(
                    render_to_string("mail/notifications/digest_subject.txt", context).split()
                )
                context["subject"] = subject
                text = render_to_string("mail/notifications/digest.txt", context)
                html = render_to_string("mail/notifications/digest.html", context)
            first = rows[0]
            message = EmailMultiAlternatives(
                subject=subject,
                body=text,
                to=[user.email],
                headers={
                    "Message-ID": f"<digest-{user_id}-{first.pk}@{mail_domain()}>",
                    "Auto-Submitted": "auto-generated",
                },
            )
            message.attach_alternative(html, "text/html")
            attempts = max(row.email_attempts for row in rows) + 1
            ids = [row.pk for row in rows]
            try:
                mailer.send(message)
            except Exception as exc:
                failed = is_permanent(exc) or attempts >= max_attempts()
                Notification.objects.filter(pk__in=ids).update(
                    email_attempts=attempts,
                    email_last_error=describe(exc),
                    email_state=EmailState.FAILED if failed else EmailState.DIGEST,
                )
                if not failed:
                    _schedule_digest_retry(user_id, retry_delay(attempts))
                return "failed" if failed else "retry"
            Notification.objects.filter(pk__in=ids).update(
                email_state=EmailState.SENT,
                email_sent_at=timezone.now(),
                email_attempts=attempts,
                email_last_error="",
            )
            return "sent"
    finally:
        if own_mailer:
            mailer.close()


def _schedule_digest_retry(user_id: int, delay: int) -> None:
    """Queues ``user_id``'s digest again in ``delay`` seconds, once the attempt is committed."""

    # A named function, not functools.partial: Django logs a robust callback's failure with
    # its __qualname__, which a partial does not have.
    def retry_digest_later():
        try:
            queue.enqueue(queue.DELIVER_DIGEST, user_id, countdown=delay)
        except Exception:
            logger.warning("Could not queue a digest retry; tomorrow's run will.", exc_info=True)

    transaction.on_commit(retry_digest_later, robust=True)


def digest_send_all() -> dict[str, int]:
    """The daily digest for everyone who has something waiting, over one connection."""
    outcomes: dict[str, int] = defaultdict(int)
    with Mailer() as mailer:
        for user_id in digest_recipients():
            outcomes[digest_deliver(user_id=user_id, mailer=mailer)] += 1
    return dict(outcomes)
