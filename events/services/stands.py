"""Stand applications: a member applies for their organisation, organisers decide (the
applicant is told), the organisation may withdraw before the event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from members.permissions import membership_of, organisation_can_act

from .. import notifications, permissions, selectors
from ..models import Event, Stand

DECISIONS = (Stand.Status.CONFIRMED, Stand.Status.DECLINED)


def stand_apply(
    *, event: Event, actor, kind: str, description: str, needs_power: bool = False
) -> Stand:
    """A member applies for a stand for their organisation; one active application per
    organisation and event (the event's row lock orders parallel requests). The same
    application sent twice returns the first."""
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied
    if not organisation_can_act(membership.organisation):
        raise PermissionDenied(
            _("Your organisation can apply for stands once an organiser has approved it.")
        )
    if not permissions.takes_stand_applications(event):
        raise ValidationError(_("This event takes no stand applications."))
    with transaction.atomic():
        locking.lock_one(Event, event.pk)
        active = selectors.active_stand(event, membership.organisation)
        if active is not None and (
            active.applied_by_id,
            active.kind,
            active.description,
            active.needs_power,
        ) == (actor.pk, kind, description.strip(), bool(needs_power)):
            return active  # the same form sent twice: one application
        if active is not None:
            raise ValidationError(
                _("Your organisation has already applied for a stand at this event.")
            )
        stand = Stand(
            event=event,
            organisation=membership.organisation,
            applied_by=actor,
            kind=kind,
            description=description.strip(),
            needs_power=bool(needs_power),
        )
        stand.full_clean()
        stand.save()
        return stand


def _save(stand: Stand, previous_status: str | None) -> Stand:
    """Saves the stand; a changed decision (confirmed or declined) is dated and the
    applicant is told. The caller holds the stand's row lock."""
    decided = (
        previous_status is not None
        and stand.status != previous_status
        and stand.status in DECISIONS
    )
    if decided:
        stand.decided_at = timezone.now()
    stand.full_clean()
    stand.save()
    if decided:
        notifications.stand_decided(stand)
    return stand


def stand_decide(
    *, stand: Stand, actor, status: str, number: str | None = None, area: str | None = None
) -> Stand:
    """An organiser confirms or declines; the applicant is told."""
    permissions.require_organiser(actor)
    if status not in DECISIONS:
        raise ValidationError(_("Choose confirm or decline."))
    with transaction.atomic():
        stand = locking.lock_one(Stand, stand.pk)
        previous_status = stand.status
        stand.status = status
        if number is not None:
            stand.number = number.strip()
        if area is not None:
            stand.area = area.strip()
        return _save(stand, previous_status)


def stand_save(*, stand: Stand, actor) -> Stand:
    """Saves an organiser's new or changed stand (the admin's form, list or inline). A
    changed decision is recorded as ``stand_decide`` records it; setting a stand back to
    applied, or creating one, only saves."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        stored = None if stand.pk is None else locking.lock_one_or_none(Stand, stand.pk)
        return _save(stand, None if stored is None else stored.status)


def stand_withdraw(*, actor, stand: Stand) -> Stand | None:
    """Takes back a stand application (applied or confirmed) before the event: a member of
    its organisation on the confirmation page, or members/ when the organisation is
    deactivated. Stands have no state of their own for this: the application ends declined,
    which frees a confirmed stand's number and the one-per-event rule (the organisation may
    apply anew) and keeps the record for the organisers. None if it is already gone."""
    if not permissions.can_withdraw_stand(actor, stand):
        raise PermissionDenied
    with transaction.atomic():
        stand = locking.lock_one_or_none(Stand.objects.select_related("event"), stand.pk)
        if stand is None:
            return None
        if not permissions.stand_can_be_withdrawn(stand):
            raise ValidationError(_("This stand application can no longer be withdrawn."))
        stand.status = Stand.Status.DECLINED
        stand.decided_at = timezone.now()
        stand.full_clean()
        stand.save(update_fields=["status", "decided_at"])
        return stand


def stands_withdraw_for_organisation(*, organisation, actor) -> list[Stand]:
    """An organisation nobody speaks for any more (``members``' deactivation, inside its
    transaction): its stand applications at coming events are withdrawn; stands at past
    events are records, not applications any more."""
    stands = locking.lock_rows(
        Stand.objects.filter(organisation=organisation)
        .exclude(status=Stand.Status.DECLINED)
        .select_related("event")
    )
    return [stand_withdraw(actor=actor, stand=stand) for stand in stands if not stand.event.is_past]


def stand_delete(*, stand: Stand, actor) -> None:
    """Deletes a stand application for good (nobody is told: decline it instead)."""
    permissions.require_organiser(actor)
    with transaction.atomic():
        stand.delete()
