"""Notifications in the data export and account deletion (PRODUCT.md 3.5)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forum.privacy import registry

from . import registry as notification_registry
from . import unread
from .models import Notification, NotificationPreference


def export_notifications(user) -> dict:
    return {
        "preferences": dict(
            NotificationPreference.objects.filter(user=user).values_list("category", "delivery")
        ),
        "notifications": [
            {
                "kind": n.kind,
                "category": n.category,
                "created_at": n.created_at,
                "subject": n.subject,
                "email_state": n.email_state,
                "email_sent_at": n.email_sent_at,
                "read_at": n.read_at,
                # A pending password-reset link stays out of a file that may be passed on.
                "context": {} if notification_registry.is_sensitive(n.kind) else n.context,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
    }


def erase_notifications(user) -> None:
    """Everything addressed to the user, also mail sent to their address before they had an
    account (invitations). Only verified addresses count: anyone can add someone else's
    address to their account without confirming it, and must not erase that person's mail."""
    addresses = [
        user.email,
        *user.emailaddress_set.filter(verified=True).values_list("email", flat=True),
    ]
    query = Q(recipient=user)
    for address in addresses:
        query |= Q(recipient__isnull=True, email__iexact=address)
    Notification.objects.filter(query).delete()
    unread.changed([user.pk])


def register_privacy() -> None:
    registry.register(
        "notifications",
        export=export_notifications,
        erase=erase_notifications,
        label=_("Notifications"),
        description=_("Notifications addressed to you and your email settings."),
    )
