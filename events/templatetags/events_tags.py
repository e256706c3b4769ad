"""``{% load events_tags %}``: dates of events and programme items in Europe/Berlin,
formatted for the active language, and the rules of events/ that templates need (each one
asks events.permissions or events.selectors, the rule's one home)."""

from django import template
from django.utils import formats, timezone

from .. import permissions, selectors
from ..models import BERLIN

register = template.Library()

DASH = "\u2013"  # en dash between the two ends of a range


def _local(value):
    return timezone.localtime(value, BERLIN)


def _day(value, weekday: str = "D") -> str:
    return formats.date_format(value, f"{weekday}, {formats.get_format('DATE_FORMAT')}")


def _time(value) -> str:
    return formats.time_format(value, "TIME_FORMAT")


@register.filter
def event_dates(event) -> str:
    """The day with start and end time, or the first and last day of a longer event."""
    start, end = _local(event.starts_at), _local(event.ends_at)
    if start.date() == end.date():
        return f"{_day(start)}, {_time(start)}{DASH}{_time(end)}"
    return f"{_day(start)} {DASH} {_day(end)}"


@register.filter
def time_range(item) -> str:
    return f"{_time(_local(item.starts_at))}{DASH}{_time(_local(item.ends_at))}"


@register.filter
def day_label(day) -> str:
    return _day(day, "l")


# --- Rules ---------------------------------------------------------------------------------


@register.filter
def seats_left(event):
    """Free seats (None without a limit) of an event from ``selectors.event_list`` or
    ``event_for_page``, which carry the seats taken; ``{% if event|seats_left == 0 %}``."""
    return selectors.seats_left(event, taken=getattr(event, "confirmed", None))


@register.filter
def can_see_every_attendee(user) -> bool:
    return permissions.can_see_every_attendee(user)


@register.filter
def can_change_registration(registration) -> bool:
    return permissions.can_change_registration(registration)


@register.filter
def stand_can_be_withdrawn(stand) -> bool:
    return permissions.stand_can_be_withdrawn(stand)


@register.filter
def can_be_checked_in(registration) -> bool:
    return permissions.can_be_checked_in(registration)
