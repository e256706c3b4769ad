"""Small predicates about who may see or change what in members/ (PRODUCT.md 4).

Views turn a False into a 404 (objects a user may not see do not leak) and templates use
them through the ``members_tags`` library to show or hide links.
"""

from __future__ import annotations

from .models import Membership, Organisation


def is_organiser(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_organiser)


def membership_of(user) -> Membership | None:
    """The user's membership (one per user), cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = (
            Membership.objects.select_related("organisation").filter(user=user).first()
        )
    return user._membership_cache


def is_admin_of(user, organisation: Organisation) -> bool:
    membership = membership_of(user)
    return bool(
        membership and membership.organisation_id == organisation.pk and membership.is_admin
    )


def is_member_of(user, organisation: Organisation) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.organisation_id == organisation.pk)


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Admins of the organisation and organisers edit it and manage its people."""
    return is_organiser(user) or is_admin_of(user, organisation)


def can_see_people(user, organisation: Organisation) -> bool:
    """Any logged-in member or organiser sees who works where; visitors see only public data."""
    if user is None or not user.is_authenticated:
        return False
    return is_organiser(user) or membership_of(user) is not None


def has_verified_email(user, email: str) -> bool:
    """Whether ``email`` is one of the user's verified addresses (case-insensitive)."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
