"""The secret address of a person's calendar of registrations and sessions."""

from __future__ import annotations

from django.db import transaction

from .. import permissions
from ..models import CalendarFeed


def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working (e.g. after sharing it by mistake)."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        return CalendarFeed.objects.create(user=user)


def calendar_feed_delete(*, feed: CalendarFeed, actor) -> None:
    """An organiser switches a feed off (its address stops working); the person can make a
    new one on their registrations page."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        feed.delete()
