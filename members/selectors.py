"""Reads used by views, each already carrying the joins it needs so pages stay at a constant
number of queries (PRODUCT.md 6, P1)."""

from __future__ import annotations

import difflib
import re
import unicodedata

from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, TextField, Value
from django.utils import timezone

from . import permissions
from .models import (
    CompetenceProfile,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Profile,
    Topic,
    User,
)

#: Two names at least this similar (difflib ratio of their normalised forms) are "alike".
SIMILAR_NAME_RATIO = 0.85

# Legal forms and their spellings, longest first, removed wherever they stand as words.
_LEGAL_FORMS = (
    "gmbh & co. kg",
    "gmbh & co kg",
    "gmbh und co kg",
    "ggmbh",
    "gmbh",
    "mbh",
    "ug haftungsbeschränkt",
    "ug (haftungsbeschränkt)",
    "ug",
    "ag",
    "kgaa",
    "kg",
    "ohg",
    "gbr",
    "e.v.",
    "ev",
    "e.g.",
    "eg",
    "e.k.",
    "ek",
    "se",
    "ltd",
    "inc",
    "gesellschaft mit beschränkter haftung",
    "aktiengesellschaft",
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _plain(text: str) -> str:
    """Lower case, umlauts spelled out, other accents dropped, punctuation to spaces."""
    text = text.lower().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_LEGAL_FORM_WORDS = sorted({_plain(form) for form in _LEGAL_FORMS}, key=len, reverse=True)
_LEGAL_FORM_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(form) for form in _LEGAL_FORM_WORDS) + r")\b"
)


def normalise_organisation_name(name: str) -> str:
    """The part of a name that tells organisations apart: case, umlaut spelling ("ü" or
    "ue"), punctuation and the legal form (GmbH, AG, e.V., UG, mbH, KG, ...) do not count."""
    plain = _plain(name)
    stripped = " ".join(_LEGAL_FORM_PATTERN.sub(" ", plain).split())
    return stripped or plain


def organisation_names_alike(first: str, second: str) -> bool:
    """Whether two organisation names probably mean the same organisation: equal once
    normalised, or differing only by small edits (difflib ratio >= SIMILAR_NAME_RATIO) and
    not in their numbers."""
    a, b = normalise_organisation_name(first), normalise_organisation_name(second)
    if not a or not b:
        return False
    if a == b:
        return True
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False  # "Werk 1" and "Werk 2" are two organisations, however alike
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO


def alike_candidates() -> list[Organisation]:
    """The organisations a new name is compared with (``organisations_alike``); load them
    once when comparing many names."""
    return list(
        Organisation.objects.filter(
            status__in=[Organisation.Status.APPROVED, Organisation.Status.PENDING]
        ).only("pk", "name", "slug", "city", "status")
    )


def organisations_alike(
    name: str, *, exclude_pk: int | None = None, candidates=None
) -> list[Organisation]:
    """Approved or pending organisations whose name is like ``name``, most similar first.

    Compared in Python over the names only: the platform holds hundreds of organisations,
    not millions, and the rule (normalisation + difflib) is easier to state than in SQL.
    """
    if candidates is None:
        candidates = alike_candidates()
    candidates = [org for org in candidates if org.pk != exclude_pk]
    target = normalise_organisation_name(name)
    scored = []
    for organisation in candidates:
        if organisation_names_alike(name, organisation.name):
            ratio = difflib.SequenceMatcher(
                None, target, normalise_organisation_name(organisation.name)
            ).ratio()
            scored.append((-ratio, organisation.name, organisation))
    return [organisation for *_key, organisation in sorted(scored, key=lambda row: row[:2])]


def organisation_directory(
    *,
    kind: str = "",
    topic: Topic | None = None,
    federal_state: str = "",
    q: str = "",
    cooperation: str = "",
    competence: str = "",
) -> QuerySet[Organisation]:
    """Approved organisations for the public directory, filtered, with topics and member
    counts. Pending, rejected and deactivated ones are never listed. ``cooperation`` keeps
    those whose competence profile offers that cooperation type; ``competence`` searches
    the profile's competences and keywords (and the short description)."""
    organisations = Organisation.objects.filter(status=Organisation.Status.APPROVED).annotate(
        member_count=Count("memberships", distinct=True)
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if federal_state:
        organisations = organisations.filter(federal_state=federal_state)
    if topic is not None:
        organisations = organisations.filter(topics=topic)
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if cooperation:
        organisations = organisations.filter(
            competence_profile__cooperation_types__contains=[cooperation]
        )
    if competence:
        organisations = organisations.annotate(
            competence_keywords=Func(
                F("competence_profile__keywords"),
                Value(" "),
                function="array_to_string",
                output_field=TextField(),
            )
        ).filter(
            Q(competence_profile__competences__icontains=competence)
            | Q(competence_keywords__icontains=competence)
            | Q(description__icontains=competence)
        )
    return organisations.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "slug"))
    ).order_by("name", "pk")


def organisation_for_page(slug: str, user=None) -> Organisation:
    """The organisation with its topics, if ``user`` may see it: approved ones for everyone,
    the others only for their own members and organisers. Raises Organisation.DoesNotExist
    otherwise, so a hidden organisation is a 404 like a missing one."""
    organisation = (
        Organisation.objects.select_related("competence_profile")
        .prefetch_related("topics")
        .get(slug=slug)
    )
    if not permissions.can_see_organisation(user, organisation):
        raise Organisation.DoesNotExist
    return organisation


def organisations_pending_review() -> QuerySet[Organisation]:
    """What organisers still have to approve or reject, oldest first, with the founders."""
    return (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("created_at", "pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def open_join_requests_for_organisation(organisation: Organisation) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def open_join_requests_for_user(user) -> QuerySet[JoinRequest]:
    if user is None or not user.is_authenticated:
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The people of an organisation with their profiles, admins first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "user__profile")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )


def organisation_admins(organisation) -> QuerySet[User]:
    """The organisation's active admins (an Organisation or its pk), with their profiles:
    whom to tell when the person who acted for the organisation is gone."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Membership.Role.ADMIN,
        )
        .select_related("profile")
        .order_by("pk")
    )


def organisers() -> list[User]:
    """Cluster staff to tell about organisations: active staff in the Organisers group, and
    superusers."""
    from forum.organisers import ORGANISERS_GROUP

    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ORGANISERS_GROUP))
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )


def open_invitations_for_organisation(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def open_invitations_for_user(user) -> QuerySet[Invitation]:
    """Open invitations addressed to one of the user's verified email addresses."""
    from allauth.account.models import EmailAddress

    emails = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    if not emails:
        return Invitation.objects.none()
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return (
        Invitation.objects.filter(query)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("organisation")
        .order_by("-created_at")
    )


def profile_of(user) -> tuple[Profile, list[Topic]]:
    """The user's profile and its topics. An account without one (made in the admin or by a
    command) gets an unsaved profile with the defaults: reading a page never writes; the
    first save of the profile form creates it (``services.profile_update``)."""
    profile = Profile.objects.filter(user=user).prefetch_related("topics").first()
    if profile is None:
        return Profile(user=user), []
    return profile, list(profile.topics.all())


def competence_profile_of(organisation: Organisation) -> CompetenceProfile | None:
    """The organisation's competence profile or None (no query if it was select_related)."""
    try:
        return organisation.competence_profile
    except CompetenceProfile.DoesNotExist:
        return None
