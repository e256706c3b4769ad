"""``{% load release_tags %}``: the schedule release a public programme page shows (issue 16,
item 6), and the badge of an item that changed in it."""

from django import template

from .. import selectors_releases

register = template.Library()


@register.simple_tag
def schedule_release(event):
    """The event's latest release, or None while its programme is shown live (as the
    page's programme was read, when it was)."""
    if selectors_releases.MEMO in event.__dict__:
        return event.__dict__[selectors_releases.MEMO]
    return selectors_releases.latest_release(event)


@register.inclusion_tag("events/_change_badge.html")
def change_badge(item):
    return {"change": getattr(item, "change", None)}
