"""Reads of notifications, already limited to what the user may see."""

from .models import Notification


def notifications_for(user):
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient=user, in_app=True).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()
