"""Introductions (issue 13, item 5): proposing that two organisations meet, each side
accepting or declining, and the private conversation once both accepted.

As the other services: keyword-only with an explicit ``actor``, one transaction, the
introduction's row locked (forum.locking) while it changes, notifications recorded in the
outbox inside the transaction. Declining needs no reason and tells nobody: the other side
reads only that the introduction did not come about (permissions.can_see_who_declined).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from members.models import Organisation

from .. import notifications, permissions
from ..models import Conversation, Introduction, Need
from ..models.introductions import REASON_MAX


def _open_between(a_id: int, b_id: int) -> Introduction | None:
    return (
        Introduction.objects.filter(status=Introduction.Status.PROPOSED)
        .filter(
            Q(organisation_a_id=a_id, organisation_b_id=b_id)
            | Q(organisation_a_id=b_id, organisation_b_id=a_id)
        )
        .first()
    )


def introduction_propose(*, actor, need: Need, organisation: Organisation, reason: str):
    """Proposes that the need's organisation (side A) and ``organisation`` (side B) meet.
    Both sides are told. The same proposal sent twice (a double click) returns the open
    introduction of the pair for this need; another open one for the pair is refused."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say in one line why they should meet.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(max)d characters, please.") % {"max": REASON_MAX}}
        )
    with transaction.atomic():
        need = locking.lock_one(Need.objects.select_related("organisation"), need.pk)
        if not permissions.can_propose_introduction(actor, need):
            raise PermissionDenied(_("You cannot propose introductions for this need."))
        if organisation.pk == need.organisation_id:
            raise ValidationError(_("An organisation cannot be introduced to itself."))
        # Both organisations, in primary-key order: two proposals for the same pair from
        # different needs wait for each other here.
        locking.lock_rows(
            Organisation.objects.filter(pk__in=[need.organisation_id, organisation.pk])
        )
        organisation = Organisation.objects.get(pk=organisation.pk)
        if organisation.status != Organisation.Status.APPROVED:
            raise ValidationError(_("This organisation cannot be introduced now."))
        existing = _open_between(need.organisation_id, organisation.pk)
        if existing is not None:
            if existing.need_id == need.pk:
                return existing  # the same form sent twice: one introduction
            raise ValidationError(
                _("An introduction of these two organisations is already waiting for them.")
            )
        introduction = Introduction(
            need=need,
            organisation_a=need.organisation,
            organisation_b=organisation,
            reason=reason,
            proposed_by=actor,
        )
        introduction.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                introduction.save()
        except IntegrityError as exc:  # pragma: no cover - the locks above serialise this
            raise ValidationError(
                _("An introduction of these two organisations is already waiting for them.")
            ) from exc
        notifications.introduction_proposed(introduction)
        return introduction


def _locked(actor, introduction: Introduction) -> tuple[Introduction, str]:
    introduction = locking.lock_one(
        Introduction.objects.select_related("organisation_a", "organisation_b", "need"),
        introduction.pk,
    )
    side = permissions.introduction_side(actor, introduction)
    if not side:
        raise PermissionDenied(_("Only the two organisations answer an introduction."))
    return introduction, side


def introduction_accept(*, actor, introduction: Introduction) -> Introduction:
    """Accepts for the actor's side (again: nothing changes). When the other side has
    accepted too, the two organisations get their conversation and the proposer is told."""
    with transaction.atomic():
        introduction, side = _locked(actor, introduction)
        if introduction.status == Introduction.Status.DECLINED:
            raise ValidationError(_("This introduction did not come about."))
        if introduction.accepted_by(side):
            return introduction
        now = timezone.now()
        field = "a_accepted_at" if side == Introduction.Side.A else "b_accepted_at"
        setattr(introduction, field, now)
        fields = [field]
        if introduction.a_accepted_at and introduction.b_accepted_at:
            introduction.status = Introduction.Status.ACCEPTED
            fields.append("status")
        introduction.full_clean(validate_constraints=False)
        introduction.save(update_fields=fields)
        if introduction.status == Introduction.Status.ACCEPTED:
            Conversation.objects.create(introduction=introduction)
            notifications.introduction_accepted(introduction)
        return introduction


def introduction_decline(*, actor, introduction: Introduction) -> Introduction:
    """Declines for the actor's side, without a reason, until both have accepted. Nobody is
    told; the other side sees only that it did not come about."""
    with transaction.atomic():
        introduction, side = _locked(actor, introduction)
        if introduction.status == Introduction.Status.DECLINED:
            return introduction
        if introduction.status == Introduction.Status.ACCEPTED:
            raise ValidationError(_("Both organisations have already accepted."))
        introduction.status = Introduction.Status.DECLINED
        introduction.declined_at = timezone.now()
        introduction.declined_by_side = side
        introduction.full_clean(validate_constraints=False)
        introduction.save(update_fields=["status", "declined_at", "declined_by_side"])
        return introduction
