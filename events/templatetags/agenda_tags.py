"""The personal agenda's star on pages whose view does not know about stars (the item page)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def is_starred(item, user) -> bool:
    """Whether the member starred the item (one query; False for anonymous visitors)."""
    return item.pk in selectors.starred_ids(item.event, user=user)
