"""Requests to join an approved organisation instead of creating a look-alike (issue 11)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking

from .. import notifications as notes
from .. import permissions
from ..models import JoinRequest, Membership, Organisation, User


def join_request_create(*, actor: User, organisation: Organisation) -> JoinRequest:
    """Asks to join an approved organisation instead of creating a look-alike; its admins
    are told and accept or decline."""
    with transaction.atomic():
        locking.lock_one_or_none(User, actor.pk)
        permissions.forget_membership(actor)
        organisation = Organisation.objects.get(pk=organisation.pk)
        if Membership.objects.filter(user=actor).exists():
            raise ValidationError(
                _("You already belong to an organisation. Leave it before joining another one.")
            )
        if not permissions.can_request_to_join(actor, organisation):
            raise PermissionDenied(_("You cannot ask to join this organisation."))
        if JoinRequest.objects.filter(
            user=actor, organisation=organisation, status=JoinRequest.Status.PENDING
        ).exists():
            raise ValidationError(
                _("You have already asked to join %(organisation)s. Its admins will decide.")
                % {"organisation": organisation.name}
            )
        join_request = JoinRequest(user=actor, organisation=organisation)
        join_request.full_clean()
        join_request.save()
        notes.notify_join_request(join_request)
        return join_request


def _decidable(actor: User, join_request: JoinRequest) -> JoinRequest:
    join_request = locking.lock_one(
        JoinRequest.objects.select_related("organisation", "user"), join_request.pk
    )
    if not permissions.can_manage_organisation(actor, join_request.organisation):
        raise PermissionDenied(_("You cannot decide on requests to join this organisation."))
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided or withdrawn."))
    return join_request


def join_request_accept(*, actor: User, join_request: JoinRequest) -> Membership:
    """Makes the requester a member of the organisation."""
    with transaction.atomic():
        join_request = _decidable(actor, join_request)
        requester = join_request.user
        locking.lock_one_or_none(User, requester.pk)
        if Membership.objects.filter(user=requester).exists():
            join_request.status = JoinRequest.Status.WITHDRAWN
            join_request.decided_at = timezone.now()
            join_request.save(update_fields=["status", "decided_at"])
            raise ValidationError(
                _("%(name)s belongs to another organisation meanwhile.") % {"name": requester}
            )
        membership = Membership(
            user=requester, organisation=join_request.organisation, role=Membership.Role.MEMBER
        )
        membership.full_clean()
        membership.save()
        join_request.status = JoinRequest.Status.ACCEPTED
        join_request.decided_at = timezone.now()
        join_request.decided_by = actor
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        JoinRequest.objects.filter(user=requester, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
        )
        notes.notify_join_request_decided(join_request)
    permissions.forget_membership(requester)
    return membership


def join_request_decline(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    with transaction.atomic():
        join_request = _decidable(actor, join_request)
        join_request.status = JoinRequest.Status.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = actor
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        notes.notify_join_request_decided(join_request)
        return join_request
