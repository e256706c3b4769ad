"""The forum's own notification categories and kinds. Apps register theirs the same way."""

from django.utils.translation import gettext_lazy as _

from . import registry


def _mass_mail_context(notification):
    from .models import MassMail

    mass_mail = (
        MassMail.objects.select_related("sender")
        .filter(pk=notification.context.get("mass_mail_id"))
        .first()
    )
    if mass_mail is None:
        return None
    subject, body = mass_mail.version(notification.language)
    # Answers go to the organiser who wrote it ("reply to this email if you have questions").
    reply_to = mass_mail.sender.email if mass_mail.sender and mass_mail.sender.is_active else ""
    return {"subject": subject, "body": body, "reply_to": reply_to}


def register_kinds() -> None:
    registry.register_category(
        "account",
        label=_("Account and security"),
        description=_("Email confirmation and password reset."),
        transactional=True,
        order=0,
    )
    registry.register_category(
        "organiser_messages",
        label=_("Messages from the organisers"),
        description=_(
            "What the organisers write to participants of an event or to selected members, "
            "e.g. a change of room."
        ),
        transactional=True,
        order=20,
    )
    # allauth's mails (address confirmation, password reset, ...), rendered by allauth in the
    # request's language and recorded whole by members.adapters.AccountAdapter.send_mail.
    registry.register_kind(
        "account.mail",
        category="account",
        template="mail/notifications/account",
        in_app=False,
        sensitive=True,
    )
    registry.register_kind(
        "forum.mass_mail",
        category="organiser_messages",
        template="mail/notifications/mass_mail",
        in_app=True,
        prepare=_mass_mail_context,
    )
