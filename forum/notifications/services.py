"""Every change to notifications: record, dispatch, deliver, digest, preferences, mass mail.

The flow (PRODUCT.md 3.4):

1. ``notify()`` writes a ``Notification`` in the caller's transaction and registers
   ``dispatch()`` with ``transaction.on_commit``: a rollback leaves nothing, a commit always
   leaves the row.
2. ``dispatch()`` hands ids to the broker. If the broker is down, the error is logged and the
   caller's action still succeeds; the row stays ``pending``.
3. ``notification_deliver_batch()`` (Celery) sends each notification while holding its row
   lock and only from ``pending``, so a task delivered twice sends once. A batch shares one
   SMTP connection. Errors that may pass are retried with exponential backoff; after the last
   attempt the row is ``failed``. A server unreachable twice in a row ends the batch early:
   the rest stays pending for step 4 rather than waiting out a timeout per message.
4. ``notification_dispatch_due()`` (beat) re-dispatches rows still pending a few minutes after
   they were due: a lost broker message or a killed worker delays an email, never loses it.
5. ``digest_send_all()`` (beat, daily) sends one email per user for rows waiting for the digest.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import registry
from .models import Delivery, EmailState, MassMail, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    return _setting("NOTIFICATIONS_BATCH_SIZE", 100)


def max_attempts() -> int:
    return _setting("NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: base, twice that, four times…"""
    return _setting("NOTIFICATIONS_RETRY_BACKOFF", 60) * 2 ** max(attempts - 1, 0)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _language(code: str | None) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0]
    return code if code in codes else settings.LANGUAGE_CODE


def _user_language(user) -> str:
    try:
        return _language(user.profile.preferred_language)
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def localised_url(path: str, language: str) -> str:
    """``path`` (a site path) in ``language``: /members/… for German, /en/members/… for English."""
    if not path:
        return ""
    # Stored paths are in the default language, and translate_url resolves in the active one.
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, language)


def site_link(url_name: str, language: str, fragment: str = "") -> str:
    """An absolute link to a page of the site, in ``language``, for emails."""
    with translation.override(language):
        return settings.SITE_URL + reverse(url_name) + fragment


# --- Preferences -------------------------------------------------------------------------


def delivery_for(user, category: str) -> str:
    """How ``user`` wants email of ``category``: transactional mail is always immediate."""
    if registry.get_category(category).transactional:
        return Delivery.IMMEDIATELY
    chosen = (
        NotificationPreference.objects.filter(user=user, category=category)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or Delivery.IMMEDIATELY


def preferences_of(user) -> dict[str, str]:
    """Every switchable category with the user's choice (default: immediately)."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("category", "delivery")
    )
    return {
        category.key: chosen.get(category.key, Delivery.IMMEDIATELY)
        for category in registry.categories()
        if not category.transactional
    }


def preferences_update(*, actor, user, preferences: dict[str, str]) -> None:
    """Stores the user's choice per category. Transactional categories cannot be changed;
    notifications already waiting for a digest stay in it."""
    if actor.pk != user.pk:
        raise PermissionDenied
    valid = set(Delivery.values)
    errors = {}
    for key, delivery in preferences.items():
        try:
            category = registry.get_category(key)
        except ImproperlyConfigured:
            errors[key] = _("Unknown category.")
            continue
        if category.transactional:
            errors[key] = _("This kind of email is always sent and cannot be switched off.")
        elif delivery not in valid:
            errors[key] = _("Choose one of the offered options.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for key, delivery in preferences.items():
            NotificationPreference.objects.update_or_create(
                user=user, category=key, defaults={"delivery": delivery}
            )


# --- Recording ---------------------------------------------------------------------------


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
        language = _language(language)
    elif recipient is not None:
        language = _user_language(recipient)
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
        transaction.on_commit(partial(dispatch, [notification.pk]), robust=True)
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
                language=_language(language),
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
        transaction.on_commit(partial(dispatch, pending), robust=True)
    return created


def dispatch(notification_ids: list[int]) -> None:
    """Queues delivery in batches. Never raises: with the broker down, the rows stay pending
    and ``notification_dispatch_due`` picks them up once it is back."""
    from .tasks import deliver_batch_task

    for chunk in _chunks(list(notification_ids), batch_size()):
        try:
            deliver_batch_task.delay(chunk)
        except Exception:
            logger.warning(
                "Could not queue %d notification(s); the periodic dispatch will retry.",
                len(chunk),
                exc_info=True,
            )
            return


def notification_dispatch_due(*, stale_after: int | None = None, limit: int = 20000) -> int:
    """Re-queues notifications still pending ``stale_after`` seconds after they were due.

    Their due time moves to now, so the next run leaves them alone while they wait in the
    queue. Rows a worker is sending right now (locked) are skipped.
    """
    stale_after = _setting("NOTIFICATIONS_STALE_AFTER", 300) if stale_after is None else stale_after
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                email_state=EmailState.PENDING,
                email_next_attempt_at__lte=now - timedelta(seconds=stale_after),
            )
            .order_by("email_next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(email_next_attempt_at=now)
    if ids:
        logger.info("Re-dispatching %d pending notification(s).", len(ids))
        transaction.on_commit(partial(dispatch, ids), robust=True)
    return len(ids)


def notification_resend(*, actor, notifications) -> int:
    """Puts failed notifications back to pending with fresh attempts and queues them."""
    if not (actor.is_staff and actor.has_perm("notifications.change_notification")):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=[n.pk for n in notifications], email_state=EmailState.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.PENDING, email_attempts=0, email_next_attempt_at=now
        )
        transaction.on_commit(partial(dispatch, ids), robust=True)
    return len(ids)


# --- Delivery ----------------------------------------------------------------------------


class Mailer:
    """One mail connection for a batch; reopened after an error so one bad message does not
    spoil the rest."""

    def __init__(self):
        self.backend = get_connection(fail_silently=False)
        self.is_open = False
        #: The last send failed because the server could not be reached or dropped us.
        self.last_error_was_connection = False

    def send(self, message: EmailMultiAlternatives) -> None:
        self.last_error_was_connection = False
        try:
            if not self.is_open:
                self.backend.open()
                self.is_open = True
            message.connection = self.backend
            self.backend.send_messages([message])
        except BaseException as exc:
            self.last_error_was_connection = _is_connection_problem(exc)
            self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            try:
                self.backend.close()
            except Exception:  # a dead connection cannot be closed politely
                logger.debug("Closing the mail connection failed.", exc_info=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _is_connection_problem(exc: BaseException) -> bool:
    """The server is unreachable, timed out or hung up, as opposed to an answer about this
    one message (a refused recipient, a 4xx or 5xx reply)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _is_permanent(exc: Exception) -> bool:
    """5xx answers will not pass by waiting; network trouble and 4xx may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return not isinstance(exc, OSError | smtplib.SMTPException)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def render_subject(notification: Notification, extra: dict | None = None) -> str:
    """The one-line summary, used as email subject and in the in-app list, in the active
    language."""
    spec = registry.get_kind(notification.kind)
    context = {**notification.context, **(extra or {}), "notification": notification}
    return " ".join(render_to_string(f"{spec.template}_subject.txt", context).split())


class NotificationEmail(EmailMultiAlternatives):
    """An email whose HTML part may show images sent along with it (``Attachment`` with a
    ``content_id``). Those go into a multipart/related part next to the HTML only, so mail
    clients show them in the text instead of listing them as downloads::

        multipart/mixed
          multipart/alternative
            text/plain
            multipart/related
              text/html
              image/png (Content-ID, inline)
          text/calendar (attachment)
    """

    def __init__(self, *args, inline_images: Iterable[registry.Attachment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def _create_alternatives(self, msg):
        if not self.inline_images or not self.alternatives:
            return super()._create_alternatives(msg)
        encoding = self.encoding or settings.DEFAULT_CHARSET
        alternative = SafeMIMEMultipart(_subtype=self.alternative_subtype, encoding=encoding)
        if self.body:
            alternative.attach(msg)
        for content, mimetype in self.alternatives:
            part = self._create_mime_attachment(content, mimetype)
            if mimetype == "text/html":
                related = SafeMIMEMultipart(_subtype="related", encoding=encoding)
                related.attach(part)
                for image in self.inline_images:
                    related.attach(self._create_inline_image(image))
                part = related
            alternative.attach(part)
        return alternative

    def _create_inline_image(self, image: registry.Attachment):
        part = self._create_mime_attachment(image.content, image.mimetype)
        part.add_header("Content-ID", f"<{image.content_id}>")
        part.add_header("Content-Disposition", "inline", filename=image.filename)
        return part


def _split_attachments(extra: dict) -> tuple[list, list]:
    """The kind's files (``extra["attachments"]``): (inline images, ordinary attachments)."""
    files = list(extra.get("attachments") or [])
    for item in files:
        if not isinstance(item, registry.Attachment):
            raise ImproperlyConfigured("prepare() must return attachments as Attachment.")
    return [f for f in files if f.content_id], [f for f in files if not f.content_id]


def render_email(notification: Notification, extra: dict) -> EmailMultiAlternatives:
    spec = registry.get_kind(notification.kind)
    category = registry.get_category(spec.category)
    language = _language(notification.language)
    inline_images, attachments = _split_attachments(extra)
    extra = {key: value for key, value in extra.items() if key != "attachments"}
    with translation.override(language):
        context = {
            **notification.context,
            **extra,
            "notification": notification,
            "recipient": notification.recipient,
            "category": category,
            "url": settings.SITE_URL + localised_url(notification.url, language)
            if notification.url
            else "",
            "site_url": settings.SITE_URL,
            "preferences_url": site_link("members:profile_edit", language, "#notifications"),
            "language": language,
        }
        subject = render_subject(notification, context)
        context.setdefault("subject", subject)  # the HTML's <title>
        text = render_to_string(f"{spec.template}.txt", context)
        html = render_to_string(f"{spec.template}.html", context)
    message = NotificationEmail(
        subject=subject,
        body=text,
        to=[notification.address],
        reply_to=[extra["reply_to"]] if extra.get("reply_to") else None,
        headers={
            # The same id on every try lets a receiving system recognise a repeat.
            "Message-ID": f"<notification-{notification.pk}@{_mail_domain()}>",
            "X-Forum-Notification": str(notification.pk),
            "Auto-Submitted": "auto-generated",
        },
        inline_images=inline_images,
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _deliver_one(pk: int, mailer: Mailer) -> tuple[str, int | None]:
    """Sends one notification under its row lock. Returns the outcome and, for a retry,
    the delay in seconds."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "recipient__profile")
            .filter(pk=pk)
            .first()
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
            notification.email_last_error = _describe(exc)
            notification.save(update_fields=["email_state", "email_attempts", "email_last_error"])
            return "failed", None
        notification.email_attempts += 1
        try:
            mailer.send(message)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            notification.email_last_error = _describe(exc)
            if _is_permanent(exc) or notification.email_attempts >= max_attempts():
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
    from .tasks import deliver_batch_task

    for delay, ids in retries.items():
        try:
            deliver_batch_task.apply_async((ids,), countdown=delay)
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
    for chunk in _chunks(ids, batch_size()):
        for outcome, count in notification_deliver_batch(notification_ids=chunk).items():
            totals[outcome] += count
    return dict(totals)


# --- Digest ------------------------------------------------------------------------------


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
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=user_id, email_state=EmailState.DIGEST)
                .order_by("created_at", "pk")
            )
            if not rows:
                return "empty"
            user = get_user_model().objects.select_related("profile").get(pk=user_id)
            language = _user_language(user)
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
                    "Message-ID": f"<digest-{user_id}-{first.pk}@{_mail_domain()}>",
                    "Auto-Submitted": "auto-generated",
                },
            )
            message.attach_alternative(html, "text/html")
            attempts = max(row.email_attempts for row in rows) + 1
            ids = [row.pk for row in rows]
            try:
                mailer.send(message)
            except Exception as exc:
                failed = _is_permanent(exc) or attempts >= max_attempts()
                Notification.objects.filter(pk__in=ids).update(
                    email_attempts=attempts,
                    email_last_error=_describe(exc),
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
    from .tasks import deliver_digest_task

    transaction.on_commit(
        partial(_apply_later, deliver_digest_task, (user_id,), delay), robust=True
    )


def _apply_later(task, args, delay) -> None:
    try:
        task.apply_async(args, countdown=delay)
    except Exception:
        logger.warning("Could not queue a digest retry; tomorrow's run will.", exc_info=True)


def digest_send_all() -> dict[str, int]:
    """The daily digest for everyone who has something waiting, over one connection."""
    outcomes: dict[str, int] = defaultdict(int)
    with Mailer() as mailer:
        for user_id in digest_recipients():
            outcomes[digest_deliver(user_id=user_id, mailer=mailer)] += 1
    return dict(outcomes)


# --- Retention ---------------------------------------------------------------------------


def notification_purge_old(*, keep_days: int | None = None) -> int:
    """Deletes what is older than ``NOTIFICATIONS_KEEP_DAYS`` and done with (sent, not sent,
    failed), and mass mails as old: notifications name people, and nobody needs last
    year's "X joined your organisation" (data minimisation). Anything still to be sent stays."""
    keep_days = _setting("NOTIFICATIONS_KEEP_DAYS", 365) if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=keep_days)
    with transaction.atomic():
        deleted, _by_model = (
            Notification.objects.filter(created_at__lt=cutoff)
            .exclude(email_state__in=[EmailState.PENDING, EmailState.DIGEST])
            .delete()
        )
        MassMail.objects.filter(created_at__lt=cutoff).exclude(
            notifications__email_state__in=[EmailState.PENDING, EmailState.DIGEST]
        ).delete()
    return deleted


# --- In-app ------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


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
    return Notification.objects.filter(
        about, recipient=actor, in_app=True, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Mass mail ---------------------------------------------------------------------------


def can_send_mass_mail(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm("notifications.add_massmail"))


def mass_mail_send(
    *,
    actor,
    recipients: Iterable,
    subject_de: str,
    body_de: str,
    subject_en: str = "",
    body_en: str = "",
    audience: str = "",
) -> MassMail:
    """Records one message to many people (users or ``Recipient``s) and queues it in batches;
    each recipient gets it in their language, over one SMTP connection per batch."""
    if not can_send_mass_mail(actor):
        raise PermissionDenied(_("Only organisers can write to many people at once."))
    recipients = list(recipients)
    if not recipients:
        raise ValidationError(_("Choose at least one recipient."))
    with transaction.atomic():
        mass_mail = MassMail(
            subject_de=subject_de.strip(),
            body_de=body_de.strip(),
            subject_en=subject_en.strip(),
            body_en=body_en.strip(),
            sender=actor,
            audience=audience[:200],
        )
        if bool(mass_mail.subject_en) != bool(mass_mail.body_en):
            raise ValidationError(
                {"subject_en": _("Give both the English subject and message, or neither.")}
            )
        mass_mail.full_clean()
        mass_mail.save()
        created = notify_many(
            kind="forum.mass_mail",
            recipients=recipients,
            # The subjects let the in-app list show the message without loading it.
            context={
                "mass_mail_id": mass_mail.pk,
                "subject_de": mass_mail.subject_de,
                "subject_en": mass_mail.subject_en,
            },
            mass_mail=mass_mail,
        )
        mass_mail.recipient_count = len(created)
        mass_mail.save(update_fields=["recipient_count"])
    return mass_mail
