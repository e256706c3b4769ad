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
        from .cache import membership

        user._membership_cache = membership(user, _membership_row)
    return user._membership_cache


def _membership_row(user_pk) -> Membership | None:
    # At most one row (a unique constraint): no ordering, so neither the model's ordering's
    # joins nor first()'s ORDER BY are compiled and run (issue 17).
    found = Membership.objects.select_related("organisation").filter(user_id=user_pk)
    return next(iter(found.order_by()[:1]), None)


def forget_membership(user) -> None:
    """Drops the cache of ``membership_of`` after a service changed the user's membership."""
    if user is None:
        return
    if hasattr(user, "_membership_cache"):
        del user._membership_cache
    from .cache import forget_membership as forget_kept

    forget_kept(user)


def is_admin_of(user, organisation: Organisation) -> bool:
    membership = membership_of(user)
    return bool(
        membership and membership.organisation_id == organisation.pk and membership.is_admin
    )


def is_member_of(user, organisation: Organisation) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.organisation_id == organisation.pk)


def organisation_can_act(organisation: Organisation | None) -> bool:
    """The one rule of issue 11: only an approved organisation posts needs, answers them and
    applies for stands. A pending, rejected or deactivated one cannot, whoever asks."""
    return organisation is not None and organisation.status == Organisation.Status.APPROVED


def can_act_for_organisation(user) -> bool:
    """The user belongs to an organisation that may act (see ``organisation_can_act``)."""
    membership = membership_of(user)
    return membership is not None and organisation_can_act(membership.organisation)


def can_see_organisation(user, organisation: Organisation) -> bool:
    """Approved organisations are public; the others only for their members and organisers."""
    if organisation.status == Organisation.Status.APPROVED:
        return True
    return is_organiser(user) or is_member_of(user, organisation)


def can_review_organisations(user) -> bool:
    return is_organiser(user)


def can_request_to_join(user, organisation: Organisation) -> bool:
    """A logged-in user without an organisation may ask to join an approved one."""
    if user is None or not user.is_authenticated:
        return False
    return membership_of(user) is None and organisation_can_act(organisation)


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Admins of the organisation and organisers edit it and manage its people."""
    return is_organiser(user) or is_admin_of(user, organisation)


def can_see_people(user, organisation: Organisation) -> bool:
    """Members of approved organisations and organisers see who works where; visitors see
    only public data. A member of an organisation still waiting for approval sees only the
    people of their own."""
    if user is None or not user.is_authenticated:
        return False
    return is_organiser(user) or can_act_for_organisation(user) or is_member_of(user, organisation)


def has_verified_email(user, email: str) -> bool:
    """Whether ``email`` is one of the user's verified addresses (case-insensitive)."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
