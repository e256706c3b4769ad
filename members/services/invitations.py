"""Invitations: an organisation's admins invite an address, the invited person accepts with
a verified address, an admin withdraws an open one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code

from .. import permissions
from ..models import Invitation, Membership, Organisation, User
from ..notifications import notify_invitation, notify_member_joined


def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str = Membership.Role.MEMBER,
    language: str | None = None,
) -> Invitation:
    """Invites an address to the organisation and mails the link after commit."""
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("You cannot invite people to this organisation."))
    email = email.strip()
    with transaction.atomic():
        locking.lock_one_or_none(Organisation, organisation.pk)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": _(
                        "A person with this email address already belongs to the organisation."
                    )
                }
            )
        open_same = Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        now = timezone.now()
        # An expired invitation no longer blocks a new one to the same address.
        open_same.filter(expires_at__lte=now).update(revoked_at=now)
        if open_same.filter(expires_at__gt=now).exists():
            raise ValidationError(
                {
                    "email": _(
                        "This address already has an open invitation. Withdraw it to send a new one."
                    )
                }
            )
        invitation = Invitation(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=actor,
            language=language_code(language),
        )
        invitation.full_clean()
        invitation.save()
        # Recorded in this transaction, sent after commit (forum/notifications). People who
        # already have an account also see it in their notification list.
        notify_invitation(
            invitation,
            recipient=User.objects.filter(
                emailaddress__email__iexact=email, emailaddress__verified=True
            ).first(),
        )
        return invitation


def invitation_accept(*, actor: User, invitation: Invitation) -> Membership:
    """Makes the actor a member with the invited role; the invitation is then used up.

    The invitation must be addressed to one of the actor's verified email addresses,
    so a forwarded link cannot be used by someone else.
    """
    with transaction.atomic():
        invitation = locking.lock_one(
            Invitation.objects.select_related("organisation"), invitation.pk
        )
        if invitation.revoked_at is not None:
            raise ValidationError(_("This invitation has been withdrawn."))
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."))
        if invitation.is_expired:
            raise ValidationError(_("This invitation has expired. Ask for a new one."))
        if not permissions.has_verified_email(actor, invitation.email):
            raise PermissionDenied(
                _(
                    "This invitation was sent to another email address. Log in with that address to accept it."
                )
            )
        locking.lock_one_or_none(User, actor.pk)
        existing = Membership.objects.filter(user=actor).select_related("organisation").first()
        if existing is not None:
            raise ValidationError(
                _(
                    "You already belong to %(organisation)s. Leave it before joining another organisation."
                )
                % {"organisation": existing.organisation.name}
            )
        membership = Membership(
            user=actor, organisation=invitation.organisation, role=invitation.role
        )
        membership.full_clean()
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.full_clean()
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        notify_member_joined(
            membership,
            admins=User.objects.filter(
                memberships__organisation=invitation.organisation,
                memberships__role=Membership.Role.ADMIN,
            ),
        )
    permissions.forget_membership(actor)
    return membership


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraws an open invitation so its link stops working."""
    if not permissions.can_manage_organisation(actor, invitation.organisation):
        raise PermissionDenied(_("You cannot withdraw invitations of this organisation."))
    with transaction.atomic():
        invitation = locking.lock_one(Invitation, invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."))
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.full_clean()
            invitation.save(update_fields=["revoked_at"])
        return invitation
