"""The members app's part of the data export and of account deletion (PRODUCT.md 3.5).

Registered from ``MembersConfig.ready()`` through ``register_privacy()``.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from forum.privacy import registry

from . import services
from .models import Consent, Invitation, Membership, Profile, User

SECTION = "members"


def _topics(queryset) -> list[dict]:
    return [{"slug": topic.slug, "name": topic.name} for topic in queryset]


def export_members(user: User) -> dict:
    """Profile, membership, consents, invitations sent and email addresses of ``user``."""
    profile = Profile.objects.filter(user=user).prefetch_related("topics").first()
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    return {
        "profile": None
        if profile is None
        else {
            "position": profile.position,
            "phone": profile.phone,
            "expertise_keywords": profile.keyword_list,
            "topics": _topics(profile.topics.all()),
            "preferred_language": profile.preferred_language,
        },
        "membership": None
        if membership is None
        else {
            "organisation": membership.organisation.name,
            "organisation_slug": membership.organisation.slug,
            "role": membership.role,
            "joined": membership.created_at,
        },
        # Every recorded decision, oldest first, so the history reads naturally.
        "consents": [
            {
                "kind": consent.kind,
                "given": consent.given,
                "recorded_at": consent.recorded_at,
                "context": consent.context,
            }
            for consent in Consent.objects.filter(user=user).order_by("recorded_at", "id")
        ],
        # Never the token: the export must not hand out a working invitation link.
        "invitations_sent": [
            {
                "email": invitation.email,
                "organisation": invitation.organisation.name,
                "role": invitation.role,
                "created_at": invitation.created_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("organisation")
            .order_by("created_at", "id")
        ],
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
    }


def erase_members(user: User) -> None:
    """Removes membership, profile and consents; the organisation and invitations stay.

    Invitations the user sent keep existing with ``invited_by`` emptied by the database
    (SET_NULL), since the organisation still relies on them. If the user was the
    organisation's last member, it is deactivated (``services.membership_erase``).
    """
    services.membership_erase(user=user)
    Profile.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()


def register_privacy() -> None:
    registry.register(
        SECTION,
        export=export_members,
        erase=erase_members,
        label=_("Account and organisation"),
        description=_(
            "Your profile (position, phone, expertise, topics, language), your membership "
            "in an organisation with its role, every consent you gave or withdrew with its "
            "time, the invitations you sent and your email addresses."
        ),
    )
