"""The rules of research_needs/permissions.py for templates, so a page asks them instead of
spelling out statuses: ``{% if answer|can_withdraw:user %}``."""

from __future__ import annotations

from django import template

from research_needs import permissions

register = template.Library()


@register.filter
def can_withdraw(answer, user) -> bool:
    return permissions.can_withdraw_answer(user, answer)


@register.filter
def can_shortlist(answer, user) -> bool:
    return permissions.can_shortlist_answer(user, answer)


@register.filter
def can_accept(answer, user) -> bool:
    return permissions.can_accept_answer(user, answer)


@register.filter
def can_decline(answer, user) -> bool:
    return permissions.can_decline_answer(user, answer)
