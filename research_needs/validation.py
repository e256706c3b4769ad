"""What a need's own fields must be, for need_create and need_update (services.py), and the
one normalisation of keywords that the form's keyword field uses too (forms.KeywordsField).
Each check raises a ValidationError at the field it is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from forum.text import clean_keywords
from members.models import Organisation, Topic

from .models import MAX_KEYWORDS, MAX_TOPICS, Need

#: What need_create and need_update take besides topics, contact person, files and submit.
NEED_FIELDS = (
    "title",
    "summary",
    "description",
    "challenge_types",
    "keywords",
    "trl_now",
    "trl_target",
    "cooperation_types",
    "partner_kinds",
    "budget_band",
    "public_funding",
    "desired_start",
    "deadline",
    "language",
    "visibility",
)


def check_topics(topics) -> list[Topic]:
    topics = list(topics or ())
    if not 1 <= len(topics) <= MAX_TOPICS:
        raise ValidationError({"topics": _("Choose between one and five topics.")})
    return topics


def apply_need_fields(need: Need, fields: dict) -> None:
    """Sets ``fields`` (names from NEED_FIELDS) on the need, keywords cleaned and texts
    stripped; full_clean() checks the rest."""
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"Unknown need fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "keywords":
            value = clean_keywords(value)
            if len(value) > MAX_KEYWORDS:
                raise ValidationError(
                    {"keywords": _("At most %(max)d keywords.") % {"max": MAX_KEYWORDS}}
                )
        elif isinstance(value, str) and name in ("title", "summary", "description"):
            value = value.strip()
        setattr(need, name, value)


def check_contact(organisation: Organisation, contact_person) -> None:
    if (
        contact_person is not None
        and not contact_person.memberships.filter(organisation=organisation).exists()
    ):
        raise ValidationError(
            {"contact_person": _("The contact person must belong to the organisation.")}
        )
