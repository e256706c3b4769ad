"""Competence profiles (issue 13): the one service that changes them, and the reminder
to research institutions that have not filled theirs in."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import locking
from forum.text import clean_keywords

from .. import notifications, permissions
from ..models import CompetenceProfile, Organisation, User
from ..selectors import organisation_admins

PROFILE_FIELDS = (
    "competences",
    "keywords",
    "cooperation_types",
    "trl_min",
    "trl_max",
    "languages",
    "recommend",
)


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(values or ()))


def _profile_for(organisation: Organisation) -> CompetenceProfile:
    """The organisation's profile, or a new unsaved one (read under the organisation's
    row lock, so two requests cannot both find none)."""
    profile = CompetenceProfile.objects.filter(organisation=organisation).first()
    return profile if profile is not None else CompetenceProfile(organisation=organisation)


def competence_profile_update(
    *, organisation: Organisation, actor: User, **fields
) -> CompetenceProfile:
    """Creates or changes the organisation's competence profile; only its admins and
    organisers may. Once committed, the organisation's row for the recommendations is
    recomputed by a task (research_needs.embed_organisation). The organisation's row is
    locked first, so a double submit creates one profile."""
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("You cannot change this organisation."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown competence profile fields: {sorted(unknown)}")
    with transaction.atomic():
        organisation = locking.lock_one(Organisation, organisation.pk)
        profile = _profile_for(organisation)
        for name, value in fields.items():
            if name == "keywords":
                value = clean_keywords(value)
            elif name in ("cooperation_types", "languages"):
                value = _distinct(value)
            elif name == "competences":
                value = (value or "").strip()
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()  # research_needs' receiver queues the embedding after the commit
    return profile


#: A research institution without a profile is reminded at most this often.
REMINDER_INTERVAL = timedelta(days=90)


def organisations_due_for_competence_reminder(now=None):
    """Approved research institutions without a competence profile whose admins were not
    reminded within REMINDER_INTERVAL (or never)."""
    now = now or timezone.now()
    return (
        Organisation.objects.filter(
            status=Organisation.Status.APPROVED,
            kind=Organisation.Kind.RESEARCH,
            competence_profile__isnull=True,
        )
        .exclude(competence_reminded_at__gt=now - REMINDER_INTERVAL)
        .order_by("pk")
    )


def competence_reminders_send(*, now=None) -> int:
    """Monthly (members.remind_competence_profiles): tells the admins of each due research
    institution that its competence profile is missing, through the outbox, and records
    when. Each organisation is its own transaction under its row lock, so two runs at once
    remind it once. Returns how many organisations were reminded."""
    now = now or timezone.now()
    reminded = 0
    for pk in list(organisations_due_for_competence_reminder(now).values_list("pk", flat=True)):
        with transaction.atomic():
            organisation = locking.lock_one_or_none(Organisation, pk)
            # Checked again under the lock: another run may have reminded it, or its
            # admins filled in the profile meanwhile.
            if not organisations_due_for_competence_reminder(now).filter(pk=pk).exists():
                continue
            admins = list(organisation_admins(organisation))
            notifications.notify_competence_reminder(organisation, admins, now)
            organisation.competence_reminded_at = now
            organisation.save(update_fields=["competence_reminded_at"])
            reminded += 1
    return reminded
