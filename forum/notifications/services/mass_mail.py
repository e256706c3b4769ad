"""One message from the organisers to many people, each in their own language."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import MassMail
from .recording import notify_many


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
