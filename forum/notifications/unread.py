"""The header's unread count, kept in the cache per user (issue 17).

Every logged-in page shows how many in-app notifications are unread; counting them was a
query on every request. The count is kept under the user's own generation
(``forum/generations.py``: ``notifications.user.<id>``), which is bumped whenever that
count may change: a notification for the user is saved (recorded, or edited in the admin),
recorded in bulk, marked read, or deleted by the purge or the erasure of the user's data.
A bump takes effect on the next request, and again when the transaction commits, so a
request that counted meanwhile cannot keep an old number. A kept count also expires after
``TIMEOUT``, the net for a change made some other way (the admin's delete). With the cache
down the count is queried as before. The kept count is one of the values about the viewer
(``generations.viewer_value``) read together with the membership in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable

from forum import generations

TIMEOUT = 5 * 60


def generation(user_id: int) -> str:
    return f"notifications.user.{user_id}"


VIEWER_VALUE = "unread-notifications"
generations.viewer_value(VIEWER_VALUE, lambda user_id: [generation(user_id)])


def unread_count(user) -> int:
    """The user's unread in-app notifications: from the cache while none of them changed."""
    from .selectors import unread_count as count_now

    if not getattr(user, "is_authenticated", False):
        return 0
    count, stamp = generations.lookup_viewer(user, VIEWER_VALUE)
    if count is None:
        count = count_now(user)
        generations.store(generations.viewer_key(VIEWER_VALUE, user.pk), stamp, count, TIMEOUT)
    return count


def changed(user_ids: Iterable[int | None]) -> None:
    """The unread counts of these users may have changed."""
    for user_id in sorted({pk for pk in user_ids if pk is not None}):
        generations.bump(generation(user_id))


def _saved(sender, instance, **_kwargs) -> None:
    changed([instance.recipient_id])


def connect_signals() -> None:
    from django.db.models.signals import post_save

    from .models import Notification

    # No post_delete receiver: it would make Django load every row the yearly purge deletes
    # (no fast delete with receivers); the purge and the erasure call changed() themselves.
    post_save.connect(_saved, sender=Notification, dispatch_uid="notifications_unread_count")
