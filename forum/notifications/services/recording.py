"""Recording notifications in the caller's transaction (one recipient or many at once)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import translate_url
from django.utils import timezone, translation

from .. import registry, unread
from ..models import Delivery, EmailState, MassMail, Notification, NotificationPreference
from .common import language_or_default, user_language
from .dispatch import dispatch_on_commit
from .preferences import delivery_for
from .rendering import render_subject

logger = logging.getLogger(__name__)


def _neutral_context(context: dict | None) -> dict:
    context = dict(context or {})
    if context.get("url"):
        # Stored in the default language; shown in the reader's language.
        context["url"] = translate_url(context["url"], settings.LANGUAGE_CODE)
    return context


def _initial_state(*, category, address: str, delivery: str) -> str:
    if not address:
        return EmailState.SKIPPED
    if category.transactional:
        return EmailState.PENDING
    return {
        Delivery.IMMEDIATELY: EmailState.PENDING,
        Delivery.DIGEST: EmailState.DIGEST,
        Delivery.OFF: EmailState.SKIPPED,
    }[delivery]


def notify(
    *,
    kind: str,
    recipient=None,
    email: str = "",
    context: dict | None = None,
    language: str | None = None,
    dedup_key: str = "",
    mass_mail: MassMail | None = None,
) -> Notification:
    """Records a notification in the caller's transaction and dispatches it after commit.

    ``recipient`` is a user; ``email`` an address for people without an account (or to
    override the user's address). A rollback of the caller's transaction removes the
    notification again, before anything was sent. With ``dedup_key``, the first notification
    recorded with that key is returned and no second one is made.
    """
    spec = registry.get_kind(kind)
    category = registry.get_category(spec.category)
    if recipient is None and not email:
        raise ValueError("notify() needs a recipient or an email address.")
    if dedup_key:
        existing = Notification.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    address = email or recipient.email
    delivery = Delivery.IMMEDIATELY
    if recipient is not None and not category.transactional:
        delivery = delivery_for(recipient, category.key)
    if language:
        language = language_or_default(language)
    elif recipient is not None:
        language = user_language(recipient)
    else:
        language = settings.LANGUAGE_CODE
    now = timezone.now()
    notification = Notification(
        recipient=recipient,
        email=email,
        category=category.key,
        kind=spec.key,
        context=_neutral_context(context),
        language=language,
        dedup_key=dedup_key,
        mass_mail=mass_mail,
        created_at=now,
        email_state=_initial_state(category=category, address=address, delivery=delivery),
        email_next_attempt_at=now,
        in_app=spec.in_app and recipient is not None,
    )
    notification.subject = _initial_subject(notification)
    if dedup_key:
        try:
            # A savepoint: a concurrent twin must not break the caller's transaction.
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            return Notification.objects.get(dedup_key=dedup_key)
    else:
        notification.save()
    if notification.email_state == EmailState.PENDING:
        dispatch_on_commit([notification.pk])
    return notification


def _initial_subject(notification: Notification) -> str:
    """The subject in the recipient's language, so the admin and the data export show one
    also for rows that never go out alone (digest, switched off). Sending renders it again."""
    try:
        with translation.override(notification.language):
            return render_subject(notification)[:255]
    except Exception:  # never let a template problem undo the caller's change
        logger.exception("Subject of a %s notification cannot be rendered.", notification.kind)
        return ""


@dataclass(frozen=True)
class Recipient:
    """A mass-mail recipient: a user, or an address with a language (guests)."""

    user: object = None
    email: str = ""
    language: str = ""

    @property
    def address(self) -> str:
        return (self.email or getattr(self.user, "email", "")).strip()


def notify_many(
    *,
    kind: str,
    recipients: Iterable,
    context: dict | None = None,
    mass_mail: MassMail | None = None,
) -> list[Notification]:
    """``notify()`` for many recipients at once, in few queries: one row each, the same
    address only once, dispatched after commit in batches of ``NOTIFICATIONS_BATCH_SIZE``."""
    spec = registry.get_kind(kind)
    category = registry.get_category(spec.category)
    people = [r if isinstance(r, Recipient) else Recipient(user=r) for r in recipients]
    user_ids = [r.user.pk for r in people if r.user is not None]
    languages = dict(
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "profile__preferred_language")
    )
    chosen = {}
    if not category.transactional:
        chosen = dict(
            NotificationPreference.objects.filter(
                user_id__in=user_ids, category=category.key
            ).values_list("user_id", "delivery")
        )
    now = timezone.now()
    stored_context = _neutral_context(context)
    seen: set[str] = set()
    rows = []
    for person in people:
        address = person.address
        key = address.lower() or f"user:{person.user.pk}"
        if key in seen:
            continue
        seen.add(key)
        user = person.user
        language = person.language or (languages.get(user.pk) if user is not None else "")
        rows.append(
            Notification(
                recipient=user,
                email=person.email,
                category=category.key,
                kind=spec.key,
                context=stored_context,
                language=language_or_default(language),
                mass_mail=mass_mail,
                created_at=now,
                email_state=_initial_state(
                    category=category,
                    address=address,
                    delivery=chosen.get(user.pk, Delivery.IMMEDIATELY)
                    if user is not None
                    else Delivery.IMMEDIATELY,
                ),
                email_next_attempt_at=now,
                in_app=spec.in_app and user is not None,
            )
        )
    for row in rows:
        row.subject = _initial_subject(row)
    created = Notification.objects.bulk_create(rows, batch_size=500)
    pending = [n.pk for n in created if n.email_state == EmailState.PENDING]
    if pending:
        dispatch_on_commit(pending)
    unread.changed(n.recipient_id for n in created if n.in_app)
    return created
