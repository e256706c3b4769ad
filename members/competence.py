"""Competence profiles (issue 13): the one service that changes them.

Kept out of members/services.py for now (that module is being split into a package); its
functions belong in that package once the split has landed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from forum import locking
from forum.text import clean_keywords

from . import permissions
from .models import CompetenceProfile, Organisation, User

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
