"""The members app's notification categories and kinds (forum/notifications/registry.py).

Registered from ``MembersConfig.ready()`` through ``register_notifications()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.notifications import registry
from forum.notifications.services import notify

from .models import Invitation, Membership


def _open_invitation(notification):
    """The invitation email is sent only while the invitation can still be accepted."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=notification.context.get("invitation_id"))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None
    return {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "invited_by": invitation.invited_by,
    }


def register_notifications() -> None:
    registry.register_category(
        "invitations",
        label=_("Invitations"),
        description=_("Invitations to join an organisation."),
        transactional=True,
        order=10,
    )
    registry.register_category(
        "organisation",
        label=_("Your organisation"),
        description=_("Someone joined your organisation, your role changed, you were removed."),
        order=50,
    )
    registry.register_kind(
        "members.invitation",
        category="invitations",
        template="mail/members/invitation",
        prepare=_open_invitation,
    )
    registry.register_kind(
        "members.member_joined", category="organisation", template="mail/members/member_joined"
    )
    registry.register_kind(
        "members.role_changed", category="organisation", template="mail/members/role_changed"
    )
    registry.register_kind(
        "members.membership_removed",
        category="organisation",
        template="mail/members/membership_removed",
    )


# --- Called by members/services.py inside their transactions ------------------------------


def notify_invitation(invitation: Invitation, recipient=None) -> None:
    notify(
        kind="members.invitation",
        recipient=recipient,
        email=invitation.email,
        language=invitation.language,
        dedup_key=f"members.invitation:{invitation.pk}",
        context={
            "invitation_id": invitation.pk,
            "organisation_name": invitation.organisation.name,
            "url": invitation.get_absolute_url(),
        },
    )


def notify_member_joined(membership: Membership, admins) -> None:
    for admin in admins:
        if admin.pk == membership.user_id:
            continue
        notify(
            kind="members.member_joined",
            recipient=admin,
            context={
                "member_name": str(membership.user),
                "organisation_name": membership.organisation.name,
                "url": reverse("members:organisation_members", args=[membership.organisation.slug]),
            },
        )


def notify_role_changed(membership: Membership, actor) -> None:
    if actor.pk == membership.user_id:
        return
    notify(
        kind="members.role_changed",
        recipient=membership.user,
        context={
            "organisation_name": membership.organisation.name,
            "role": membership.role,
            "actor_name": str(actor),
            "url": reverse("members:home"),
        },
    )


def notify_membership_removed(membership: Membership, actor) -> None:
    if actor.pk == membership.user_id:
        return
    notify(
        kind="members.membership_removed",
        recipient=membership.user,
        context={
            "organisation_name": membership.organisation.name,
            "actor_name": str(actor),
            "url": reverse("members:onboarding"),
        },
    )
