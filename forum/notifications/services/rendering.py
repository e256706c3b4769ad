"""Turning a notification into its subject line and its email, in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import render_to_string
from django.utils import translation

from .. import registry
from ..models import Notification
from .common import language_or_default, localised_url, site_link
from .smtp import mail_domain


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
    language = language_or_default(notification.language)
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
            "Message-ID": f"<notification-{notification.pk}@{mail_domain()}>",
            "X-Forum-Notification": str(notification.pk),
            "Auto-Submitted": "auto-generated",
        },
        inline_images=inline_images,
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message
