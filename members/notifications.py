"""The members app's notification categories and kinds (forum/notifications/registry.py).

Registered from ``MembersConfig.ready()`` through ``register_notifications()``.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.notifications import registry
from forum.notifications.services import notify

from .models import Invitation, JoinRequest, Membership, Organisation


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
    registry.register_category(
        "organisation_review",
        label=_("Approval of organisations"),
        description=_(
            "Your organisation waits for approval, was approved or rejected; requests to join "
            "it; answers withdrawn because their organisation is gone; for organisers: new "
            "and deactivated organisations."
        ),
        transactional=True,
        order=12,
    )
    for name in (
        "organisation_pending",
        "organisation_submitted",
        "organisation_reviewed",
        "organisation_deactivated",
        "join_request",
        "join_request_decided",
        "answer_withdrawn",  # to a need's owners: the answering organisation is gone
    ):
        registry.register_kind(
            f"members.{name}", category="organisation_review", template=f"mail/members/{name}"
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
        "members.competence_reminder",
        category="organisation",
        template="mail/members/competence_reminder",
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


# --- Approval of organisations, join requests, deactivation (issue 11) ---------------------


def _review_url() -> str:
    return reverse("members:review")


def notify_organisation_pending(organisation: Organisation, founder) -> None:
    """To the founder: the organisation exists, waits for approval, and what works meanwhile."""
    notify(
        kind="members.organisation_pending",
        recipient=founder,
        dedup_key=f"members.organisation_pending:{organisation.pk}",
        context={
            "organisation_name": organisation.name,
            "url": organisation.get_absolute_url(),
        },
    )


def notify_organisation_submitted(organisation: Organisation, founder) -> None:
    """To the organisers: a new organisation waits for their review."""
    from .selectors import organisers

    for person in organisers():
        if person.pk == founder.pk:
            continue
        notify(
            kind="members.organisation_submitted",
            recipient=person,
            dedup_key=f"members.organisation_submitted:{organisation.pk}:{person.pk}",
            context={
                "organisation_name": organisation.name,
                "city": organisation.city,
                "founder_name": str(founder),
                "founder_email": founder.email,
                "url": _review_url(),
            },
        )


def notify_organisation_reviewed(organisation: Organisation) -> None:
    """To the organisation's admins: approved, or rejected with the organiser's reason."""
    from .selectors import organisation_admins

    for admin in organisation_admins(organisation):
        notify(
            kind="members.organisation_reviewed",
            recipient=admin,
            context={
                "organisation_name": organisation.name,
                "status": organisation.status,
                "reason": organisation.review_reason,
                "url": reverse("members:home"),
            },
        )


def notify_organisation_deactivated(
    organisation: Organisation, *, answers, stands, needs=()
) -> None:
    """To the organisers: the last member is gone; what was withdrawn, for their records."""
    from .selectors import organisers

    for person in organisers():
        notify(
            kind="members.organisation_deactivated",
            recipient=person,
            context={
                "organisation_name": organisation.name,
                "reason": organisation.review_reason,
                "answers": [answer.need.title for answer in answers],
                "stands": [stand.event.title for stand in stands],
                "needs": [need.title for need in needs],
                "url": reverse("admin:members_organisation_change", args=[organisation.pk]),
            },
        )


def notify_answer_withdrawn(answer, *, recipients) -> None:
    """To the owners of the need (``recipients``, whom research_needs knows): the answering
    organisation has left the platform."""
    need = answer.need
    for person in recipients:
        notify(
            kind="members.answer_withdrawn",
            recipient=person,
            dedup_key=f"members.answer_withdrawn:{answer.pk}:{person.pk}",
            context={
                "need_id": need.pk,
                "need_title": need.title,
                "organisation_name": answer.organisation.name,
                "url": reverse("research_needs:detail", args=[need.pk]),
            },
        )


def notify_join_request(join_request: JoinRequest) -> None:
    """To the organisation's admins: someone asks to join."""
    from .selectors import organisation_admins

    organisation = join_request.organisation
    for admin in organisation_admins(organisation):
        notify(
            kind="members.join_request",
            recipient=admin,
            context={
                "requester_name": str(join_request.user),
                "requester_email": join_request.user.email,
                "organisation_name": organisation.name,
                "url": reverse("members:organisation_members", args=[organisation.slug]),
            },
        )


def notify_join_request_decided(join_request: JoinRequest) -> None:
    """To the person who asked: accepted (now a member) or declined."""
    notify(
        kind="members.join_request_decided",
        recipient=join_request.user,
        context={
            "organisation_name": join_request.organisation.name,
            "accepted": join_request.status == JoinRequest.Status.ACCEPTED,
            "url": reverse(
                "members:home"
                if join_request.status == JoinRequest.Status.ACCEPTED
                else "members:onboarding"
            ),
        },
    )


def notify_competence_reminder(organisation: Organisation, admins, now=None) -> None:
    """To a research institution's admins: its competence profile is missing, so no need
    is recommended to it yet (issue 13). One a day at most per admin and organisation."""
    day = (now or timezone.now()).date().isoformat()
    for admin in admins:
        notify(
            kind="members.competence_reminder",
            recipient=admin,
            dedup_key=f"members.competence_reminder:{organisation.pk}:{admin.pk}:{day}",
            context={
                "organisation_name": organisation.name,
                "url": reverse("members:competence_edit", args=[organisation.slug]),
            },
        )
