"""Accounts, profiles and consents: the name asked at sign-up, the profile page, and the
append-only record of consents."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from forum import locking
from forum.i18n import language_code

from .. import permissions
from ..models import Consent, Profile, Topic, User

PROFILE_FIELDS = ("position", "phone", "expertise_keywords", "preferred_language")


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
