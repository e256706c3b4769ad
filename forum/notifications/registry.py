"""What can be notified: categories (what a user sets preferences for) and kinds (one email
template each). Apps register theirs from ``AppConfig.ready()``::

    from forum.notifications import registry

    registry.register_category(
        "needs_activity",
        label=_("Activity on your research needs"),
        description=_("New answers, messages, accepted answers."),
    )
    registry.register_kind(
        "research_needs.answer_received",
        category="needs_activity",
        template="mail/research_needs/answer_received",
    )

A kind's templates are ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.
The subject template is also the line shown in the in-app list, so it must render from the
stored context alone (no queries); the body templates get the stored context plus whatever
the kind's ``prepare`` returns at delivery time.

Files travel with an email when ``prepare`` returns them under ``"attachments"``: a list of
``Attachment``. They are built at delivery time from the database (a calendar file, a QR
code), never stored in the notification's JSON context. An attachment with a
``content_id`` is an image the HTML part shows inline (``<img src="cid:...">``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Notification


@dataclass(frozen=True)
class Category:
    key: str
    label: Any
    description: Any = ""
    #: Transactional mail (invitations, registration confirmations) cannot be switched off
    #: or delayed to a digest: it is always sent at once.
    transactional: bool = False
    order: int = 100


@dataclass(frozen=True)
class Kind:
    key: str
    category: str
    template: str
    #: Also listed on the recipient's notification page (only for recipients with an account).
    in_app: bool = True
    #: Called at delivery with the locked notification. Returns extra template context, or
    #: None when the notification no longer applies (an invitation withdrawn before it went
    #: out); it is then not sent.
    prepare: Callable[[Notification], dict | None] | None = None
    #: The context holds a secret (a password-reset link): it is hidden in the admin and in
    #: the data export, and emptied once the notification is sent or given up.
    sensitive: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str
    #: Set for an image the HTML part shows with ``<img src="cid:<content_id>">``: it is
    #: sent inline, next to the HTML in a multipart/related part, not as a download.
    content_id: str = ""


_categories: dict[str, Category] = {}
_kinds: dict[str, Kind] = {}


def register_category(key: str, *, label, description="", transactional=False, order=100):
    category = Category(key, label, description, transactional, order)
    if key in _categories and _categories[key] != category:
        raise ImproperlyConfigured(f"Notification category {key!r} registered twice.")
    _categories[key] = category
    return category


def register_kind(
    key: str, *, category: str, template: str, in_app=True, prepare=None, sensitive=False
):
    if category not in _categories:
        raise ImproperlyConfigured(f"Register category {category!r} before kind {key!r}.")
    kind = Kind(key, category, template, in_app, prepare, sensitive)
    if key in _kinds and _kinds[key] != kind:
        raise ImproperlyConfigured(f"Notification kind {key!r} registered twice.")
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown notification kind {key!r}.") from None


def get_category(key: str) -> Category:
    try:
        return _categories[key]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown notification category {key!r}.") from None


def category_label(key: str):
    """The category's label; its key if no app registers it (any more)."""
    category = _categories.get(key)
    return category.label if category else key


def is_sensitive(kind_key: str) -> bool:
    kind = _kinds.get(kind_key)
    return kind is not None and kind.sensitive


def categories() -> list[Category]:
    return sorted(_categories.values(), key=lambda c: (c.order, c.key))


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)
