"""Organisations: creation under a free slug, their public data, the organisers' review
(issue 11) and deactivation when nobody speaks for one any more."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.text import slugify_de

from .. import notifications as notes
from .. import permissions, signals
from ..models import Invitation, JoinRequest, Membership, Organisation, Topic, User

RESERVED_SLUGS = frozenset({"me", "welcome", "invitations", "logos", "review"})
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "description",
    "website",
    "city",
    "federal_state",
    "size_band",
)


def organisation_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """The first free slug for the name; the URL words of members/ are never used.

    Free when read: a parallel transaction may take it before this one inserts. New
    organisations are therefore saved through ``_save_with_free_slug``."""
    base = slugify_de(name)[:200].strip("-") or "organisation"
    existing = Organisation.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, counter = base, 1
    while slug in taken:
        counter += 1
        slug = f"{base}-{counter}"
    return slug


SLUG_ATTEMPTS = 10


def _save_with_free_slug(organisation: Organisation) -> None:
    """Inserts a new organisation under the first free slug of its name.

    Six people creating "Harz Metall GmbH" at once all read "harz-metall-gmbh" as free;
    the unique index lets one insert through and makes the others wait for its commit and
    fail. Each failed insert is undone in its own savepoint and tried again with the next
    free slug, which the committed winner now occupies."""
    for attempt in range(SLUG_ATTEMPTS):
        organisation.slug = organisation_slug(organisation.name)
        organisation.full_clean()
        try:
            with transaction.atomic():
                organisation.save(force_insert=True)
        except IntegrityError:
            taken = Organisation.objects.filter(slug=organisation.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise
        else:
            return


def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    city: str,
    federal_state: str,
    description: str = "",
    website: str = "",
    size_band: str = "",
    topics: Iterable[Topic] = (),
    logo=None,
) -> Organisation:
    """Creates an organisation with the actor as its first admin (one organisation per user:
    the user's row lock orders parallel requests; the same form sent twice returns the
    organisation the first one created).

    It is pending until an organiser approves it (``organisation_approve``): the organisers
    are told, and so is the founder, who can already edit it and invite colleagues.
    """
    with transaction.atomic():
        # Lock the user row so two parallel requests cannot create two organisations.
        locking.lock_one_or_none(User, actor.pk)
        current = Membership.objects.filter(user=actor).select_related("organisation").first()
        if (
            current is not None
            and current.role == Membership.Role.ADMIN
            and current.organisation.name == name.strip()
        ):
            return current.organisation  # the same form sent twice: one organisation
        if current is not None:
            raise ValidationError(
                _("You already belong to an organisation. Leave it before creating another one.")
            )
        organisation = Organisation(
            name=name.strip(),
            kind=kind,
            city=city.strip(),
            federal_state=federal_state,
            description=description.strip(),
            website=website,
            size_band=size_band,
        )
        if logo:
            organisation.logo = logo
        _save_with_free_slug(organisation)
        organisation.topics.set(topics)
        membership = Membership(user=actor, organisation=organisation, role=Membership.Role.ADMIN)
        membership.full_clean()
        membership.save()
        # Asking to join elsewhere is moot now.
        JoinRequest.objects.filter(user=actor, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
        )
        if organisation.status == Organisation.Status.PENDING:
            notes.notify_organisation_pending(organisation, founder=actor)
            notes.notify_organisation_submitted(organisation, founder=actor)
    permissions.forget_membership(actor)
    return organisation


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    topics: Iterable[Topic] | None = None,
    logo=...,
    **fields,
) -> Organisation:
    """Changes the public data of an organisation; only its admins and organisers may.

    ``logo`` may be a new file, ``None`` to remove it, or ``...`` (the default) to keep it.
    The slug stays as it is, so links to the organisation keep working.
    """
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("You cannot change this organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    with transaction.atomic():
        organisation = locking.lock_one(Organisation, organisation.pk)
        for field, value in fields.items():
            setattr(organisation, field, value.strip() if isinstance(value, str) else value)
        if logo is not ...:
            organisation.logo = logo or None
        organisation.full_clean()
        organisation.save()
        if topics is not None:
            organisation.topics.set(topics)
        return organisation


# --- Approval of organisations (issue 11) ------------------------------------------------


def _reviewable(actor: User, organisation: Organisation) -> Organisation:
    if not permissions.can_review_organisations(actor):
        raise PermissionDenied(_("Only organisers approve or reject organisations."))
    organisation = locking.lock_one(Organisation, organisation.pk)
    if organisation.status != Organisation.Status.PENDING:
        raise ValidationError(
            _("%(organisation)s is not waiting for approval (any more).")
            % {"organisation": organisation.name}
        )
    return organisation


def organisation_approve(*, actor: User, organisation: Organisation) -> Organisation:
    """Opens the platform to a pending organisation: it appears in the directory and its
    members may post needs, answer and apply for stands. Its admins are told."""
    with transaction.atomic():
        organisation = _reviewable(actor, organisation)
        organisation.status = Organisation.Status.APPROVED
        organisation.reviewed_at = timezone.now()
        organisation.reviewed_by = actor
        organisation.review_reason = ""
        organisation.full_clean()
        organisation.save()
        notes.notify_organisation_reviewed(organisation)
        return organisation


def organisation_reject(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    """Refuses a pending organisation with a reason its admins read; it stays hidden, its
    records stay for the organisers."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please tell the founder why.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most 2,000 characters.")})
    with transaction.atomic():
        organisation = _reviewable(actor, organisation)
        organisation.status = Organisation.Status.REJECTED
        organisation.reviewed_at = timezone.now()
        organisation.reviewed_by = actor
        organisation.review_reason = reason
        organisation.full_clean()
        organisation.save()
        notes.notify_organisation_reviewed(organisation)
        return organisation


def _deactivate_on_last_member(membership: Membership, *, actor: User) -> None:
    """Runs while the last membership still exists, so the withdrawals act in its name."""
    organisation = locking.lock_one(Organisation, membership.organisation_id)
    if organisation.status in (Organisation.Status.DEACTIVATED, Organisation.Status.REJECTED):
        return  # hidden already; a rejected one never acted and keeps the organiser's reason
    organisation_deactivate(
        actor=actor,
        organisation=organisation,
        reason=_("The last member left or deleted their account."),
    )


def organisation_deactivate(*, actor: User, organisation: Organisation, reason: str = "") -> dict:
    """Hides an organisation nobody speaks for any more: out of the directory and its page,
    its open invitations and requests to join ended. The apps above members withdraw what
    it still has open there (``signals.organisation_deactivated``, in this transaction):
    its open answers (the needs' owners are told), its stand applications and its own open
    needs. The organisers are told, with the lists. Its records stay for the organisers.

    The actor is its last member (leaving or deleting their account) or an organiser.
    Returns what was withdrawn: ``{"answers": [...], "stands": [...], "needs": [...]}``.
    """
    if not (permissions.is_organiser(actor) or permissions.is_member_of(actor, organisation)):
        raise PermissionDenied(_("You cannot deactivate this organisation."))
    with transaction.atomic():
        organisation = locking.lock_one(Organisation, organisation.pk)
        withdrawn = {"answers": [], "stands": [], "needs": []}
        for _receiver, response in signals.organisation_deactivated.send(
            sender=Organisation, organisation=organisation, actor=actor
        ):
            for kind, items in (response or {}).items():
                withdrawn.setdefault(kind, []).extend(items)
        organisation.status = Organisation.Status.DEACTIVATED
        organisation.reviewed_at = timezone.now()
        organisation.reviewed_by = actor if permissions.is_organiser(actor) else None
        organisation.review_reason = (reason or "").strip()[:2000]
        organisation.full_clean()
        organisation.save()
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        JoinRequest.objects.filter(
            organisation=organisation, status=JoinRequest.Status.PENDING
        ).update(status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now())
        notes.notify_organisation_deactivated(
            organisation,
            answers=withdrawn["answers"],
            stands=withdrawn["stands"],
            needs=withdrawn["needs"],
        )
        return withdrawn
