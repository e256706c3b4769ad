"""Reads used by views, each already carrying the joins it needs so pages stay at a constant
number of queries (PRODUCT.md 6, P1)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Invitation, Membership, Organisation, Topic, User


def organisation_directory(
    *, kind: str = "", topic: Topic | None = None, federal_state: str = "", q: str = ""
) -> QuerySet[Organisation]:
    """Organisations for the public directory, filtered, with topics and member counts."""
    organisations = Organisation.objects.annotate(member_count=Count("memberships", distinct=True))
    if kind:
        organisations = organisations.filter(kind=kind)
    if federal_state:
        organisations = organisations.filter(federal_state=federal_state)
    if topic is not None:
        organisations = organisations.filter(topics=topic)
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
    return organisations.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "slug"))
    ).order_by("name", "pk")


def organisation_for_page(slug: str) -> Organisation:
    """The organisation with its topics; raises Organisation.DoesNotExist."""
    return Organisation.objects.prefetch_related("topics").get(slug=slug)


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The people of an organisation with their profiles, admins first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "user__profile")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )


def organisation_admins(organisation) -> QuerySet[User]:
    """The organisation's active admins (an Organisation or its pk), with their profiles:
    whom to tell when the person who acted for the organisation is gone."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Membership.Role.ADMIN,
        )
        .select_related("profile")
        .order_by("pk")
    )


def open_invitations_for_organisation(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def open_invitations_for_user(user) -> QuerySet[Invitation]:
    """Open invitations addressed to one of the user's verified email addresses."""
    from allauth.account.models import EmailAddress

    emails = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    if not emails:
        return Invitation.objects.none()
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return (
        Invitation.objects.filter(query)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("organisation")
        .order_by("-created_at")
    )
