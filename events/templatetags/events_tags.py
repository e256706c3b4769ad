"""Dates of events and programme items in Europe/Berlin, formatted for the active language."""

from django import template
from django.utils import formats, timezone

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
