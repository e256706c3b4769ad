"""Permission predicates for templates: ``{% load members_tags %}``."""

from django import template

from members import permissions

register = template.Library()


@register.filter
def can_manage(user, organisation) -> bool:
    """``{% if user|can_manage:organisation %}`` shows admin links."""
    return permissions.can_manage_organisation(user, organisation)


@register.filter
def can_see_people(user, organisation) -> bool:
    return permissions.can_see_people(user, organisation)


@register.simple_tag
def membership_of(user):
    """``{% membership_of user as membership %}``: the user's membership or None."""
    return permissions.membership_of(user)
