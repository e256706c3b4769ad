"""Every state change of members/: accounts, organisations, invitations, memberships, consents.

Each service takes keyword-only arguments with an explicit actor, runs in one transaction,
calls ``full_clean()`` before saving and raises ``ValidationError`` or ``PermissionDenied``
with a translated message, so views and admin actions share one set of rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code
from forum.text import slugify_de

from . import notifications as notes
from . import permissions, signals
from .models import (
    Consent,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Profile,
    Topic,
    User,
)
from .notifications import (
    notify_invitation,
    notify_member_joined,
    notify_membership_removed,
    notify_role_changed,
)

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
PROFILE_FIELDS = ("position", "phone", "expertise_keywords", "preferred_language")


def _forget_membership(user) -> None:
    """Drop the per-request membership cache of permissions.membership_of."""
    if user is not None and hasattr(user, "_membership_cache"):
        del user._membership_cache


# --- Accounts and profiles ---------------------------------------------------------------


def _set_name(user: User, first_name: str, last_name: str) -> None:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])


def user_signup_complete(
    *, user: User, first_name: str, last_name: str, language: str | None = None
) -> Profile:
    """Stores the name asked at sign-up and creates the profile in the language the user
    signed up in, so later mail reaches them in that language."""
    with transaction.atomic():
        _set_name(user, first_name, last_name)
        profile, _created = Profile.objects.get_or_create(
            user=user, defaults={"preferred_language": language_code(language)}
        )
        return profile


def consent_record(*, user: User, kind: str, given: bool, context: str = "") -> Consent:
    """Appends one decision with its time; the latest row of a kind is the one that counts."""
    with transaction.atomic():
        consent = Consent(user=user, kind=kind, given=given, context=context[:200])
        consent.full_clean()
        consent.save()
        return consent


def consent_is_given(*, user: User, kind: str) -> bool:
    latest = Consent.objects.filter(user=user, kind=kind).order_by("-recorded_at", "-id").first()
    return bool(latest and latest.given)


def profile_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    position: str = "",
    phone: str = "",
    expertise_keywords: str = "",
    preferred_language: str = "de",
    topics: Iterable[Topic] = (),
    marketing_consent: bool | None = None,
) -> Profile:
    """Changes name and profile; a changed marketing choice is recorded as a Consent row."""
    if actor.pk != user.pk and not permissions.is_organiser(actor):
        raise PermissionDenied(_("You can only change your own profile."))
    with transaction.atomic():
        _set_name(user, first_name, last_name)
        profile, _created = locking.locked(Profile).get_or_create(user=user)
        profile.position = position.strip()
        profile.phone = phone.strip()
        profile.expertise_keywords = ", ".join(
            keyword.strip() for keyword in expertise_keywords.split(",") if keyword.strip()
        )
        profile.preferred_language = preferred_language
        profile.full_clean()
        profile.save()
        profile.topics.set(topics)
        if marketing_consent is not None:
            current = consent_is_given(user=user, kind=Consent.Kind.MARKETING)
            if bool(marketing_consent) != current:
                consent_record(
                    user=user,
                    kind=Consent.Kind.MARKETING,
                    given=bool(marketing_consent),
                    context="profile page",
                )
        return profile


# --- Organisations -----------------------------------------------------------------------


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
    _forget_membership(actor)
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


# --- Invitations -------------------------------------------------------------------------


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
    _forget_membership(actor)
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


# --- Memberships -------------------------------------------------------------------------


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
    _forget_membership(membership.user)


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
    _forget_membership(actor)


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
    _forget_membership(user)


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


# --- Join requests -----------------------------------------------------------------------


def join_request_create(*, actor: User, organisation: Organisation) -> JoinRequest:
    """Asks to join an approved organisation instead of creating a look-alike; its admins
    are told and accept or decline."""
    with transaction.atomic():
        locking.lock_one_or_none(User, actor.pk)
        _forget_membership(actor)
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
    _forget_membership(requester)
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
