"""Memberships: removal, roles, leaving and account deletion, all decided on the
organisation's locked membership rows so the last-admin rule holds under races."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forum import locking

from .. import permissions
from ..models import Membership, User
from ..notifications import notify_membership_removed, notify_role_changed
from .organisations import _deactivate_on_last_member


def _lock_memberships(organisation_id: int) -> list[Membership]:
    """Locks every membership row of the organisation, in a fixed order (no deadlocks).

    Counting admins on locked rows keeps the last-admin rule true when two admins act at
    the same time: the second waits, then sees the first one's change.
    """
    return locking.lock_rows(Membership.objects.filter(organisation_id=organisation_id))


def _locked_actor_may_manage(actor: User, rows: list[Membership]) -> bool:
    if permissions.is_organiser(actor):
        return True
    return any(row.user_id == actor.pk and row.role == Membership.Role.ADMIN for row in rows)


def _admin_count(rows: list[Membership]) -> int:
    return sum(1 for row in rows if row.role == Membership.Role.ADMIN)


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Removes a person from an organisation; the last admin cannot be removed."""
    with transaction.atomic():
        rows = _lock_memberships(membership.organisation_id)
        target = next((row for row in rows if row.pk == membership.pk), None)
        if target is None:
            raise ValidationError(_("This person no longer belongs to the organisation."))
        if not _locked_actor_may_manage(actor, rows):
            raise PermissionDenied(_("You cannot remove people from this organisation."))
        if target.role == Membership.Role.ADMIN and _admin_count(rows) <= 1:
            raise ValidationError(
                _("The last admin cannot be removed. Make someone else an admin first.")
            )
        target.delete()
        notify_membership_removed(target, actor)
    permissions.forget_membership(membership.user)


def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Makes a person admin or member; the last admin cannot be made a member."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose admin or member.")})
    with transaction.atomic():
        rows = _lock_memberships(membership.organisation_id)
        target = next((row for row in rows if row.pk == membership.pk), None)
        if target is None:
            raise ValidationError(_("This person no longer belongs to the organisation."))
        if not _locked_actor_may_manage(actor, rows):
            raise PermissionDenied(_("You cannot change roles in this organisation."))
        if (
            target.role == Membership.Role.ADMIN
            and role != Membership.Role.ADMIN
            and _admin_count(rows) <= 1
        ):
            raise ValidationError(
                _("The last admin cannot become a member. Make someone else an admin first.")
            )
        changed = target.role != role
        target.role = role
        target.full_clean()
        target.save(update_fields=["role"])
        if changed:
            notify_role_changed(target, actor)
        return target


def membership_leave(*, actor: User) -> None:
    """The actor leaves their organisation; the last admin cannot leave while others remain.
    The very last member may: the organisation is then deactivated
    (``organisation_deactivate``)."""
    with transaction.atomic():
        current = Membership.objects.filter(user=actor).first()
        if current is None:
            raise ValidationError(_("You do not belong to an organisation."))
        rows = _lock_memberships(current.organisation_id)
        target = next((row for row in rows if row.user_id == actor.pk), None)
        if target is None:
            raise ValidationError(_("You do not belong to an organisation."))
        if len(rows) == 1:
            # The last person goes: nobody is left to speak for the organisation.
            _deactivate_on_last_member(target, actor=actor)
        elif target.role == Membership.Role.ADMIN and _admin_count(rows) <= 1:
            raise ValidationError(
                _("You are the last admin. Make someone else an admin before you leave.")
            )
        target.delete()
    permissions.forget_membership(actor)


def membership_check_not_sole_admin(*, user: User) -> None:
    """Refuses when ``user`` is the only admin of an organisation that has other members
    (account deletion would leave it without admin). A sole member may go: the
    organisation stays for what others rely on. Decides on locked rows, like the other
    membership services; call it inside the transaction that removes the user.
    """
    current = Membership.objects.filter(user=user).select_related("organisation").first()
    if current is None:
        return
    rows = _lock_memberships(current.organisation_id)
    own = next((row for row in rows if row.user_id == user.pk), None)
    others = [row for row in rows if row.user_id != user.pk]
    if own is not None and own.role == Membership.Role.ADMIN and others and _admin_count(rows) <= 1:
        raise ValidationError(
            _(
                "You are the last admin of %(organisation)s, which has other members. "
                "Hand over the admin role to another member first."
            )
            % {"organisation": current.organisation.name},
            code="last_admin",
        )


def membership_erase(*, user: User) -> None:
    """Account deletion's part in members: refuses like ``membership_check_not_sole_admin``;
    if the user is the organisation's last member, it is deactivated first (its open answers
    and stand applications withdrawn, the other side and the organisers told), then the
    membership goes. Call it inside the transaction that removes the user."""
    membership_check_not_sole_admin(user=user)
    current = Membership.objects.filter(user=user).first()
    if current is None:
        return
    rows = _lock_memberships(current.organisation_id)
    if len(rows) == 1 and rows[0].user_id == user.pk:
        _deactivate_on_last_member(rows[0], actor=user)
    Membership.objects.filter(user=user).delete()
    permissions.forget_membership(user)
