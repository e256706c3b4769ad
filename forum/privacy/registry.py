"""Where every app declares the personal data it holds, for export and for erasure (PRODUCT.md 3.5).

An app registers one section per kind of data from its ``AppConfig.ready()``::

    from forum.privacy import registry

    registry.register(
        "research_needs",
        export=export_needs,          # (user) -> dict | list, JSON-friendly
        erase=erase_needs,            # (user) -> None; optional
        label=_("Research needs"),
        description=_("Needs you wrote, answers you gave, messages you sent."),
    )

``export_user_data`` collects every section into one JSON-serialisable dict; ``erase_user``
runs every eraser and then deletes the user, all in one transaction, so an eraser that
refuses (by raising ``ValidationError``) leaves everything as it was. Content that others
rely on should survive the user: point it at the user with ``on_delete=SET_NULL`` and let the
eraser blank what is personal, rather than deleting the content.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from members.models import User

#: Version of the export layout; raise it when a key changes meaning.
EXPORT_FORMAT = 1

#: Top-level keys of the export that no section may take.
RESERVED_KEYS = frozenset({"format", "generated_at", "account"})

Exporter = Callable[["User"], "dict | list"]
Eraser = Callable[["User"], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser | None = None
    label: Any = ""
    description: Any = ""

    @property
    def title(self):
        return self.label or self.name


_sections: dict[str, Section] = {}


def register(
    section: str,
    *,
    export: Exporter,
    erase: Eraser | None = None,
    label: Any = "",
    description: Any = "",
) -> Section:
    """Adds a section. Registering the same callables again is harmless (``ready()`` may run
    twice); a different registration under a taken name is a programming error."""
    if section in RESERVED_KEYS:
        raise ImproperlyConfigured(f"Privacy section name {section!r} is reserved.")
    entry = Section(section, export, erase, label, description)
    existing = _sections.get(section)
    if existing is not None and (existing.export, existing.erase) != (export, erase):
        raise ImproperlyConfigured(f"Privacy section {section!r} is already registered.")
    _sections[section] = entry
    return entry


def unregister(section: str) -> None:
    _sections.pop(section, None)


def sections() -> list[Section]:
    """Registered sections in registration order (which is also the order erasers run in)."""
    return list(_sections.values())


def account_data(user: User) -> dict:
    """The core of the account, which exists whatever apps are installed."""
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
    }


def to_json_data(value: Any) -> Any:
    """Dates and datetimes become ISO 8601 strings, lazy translations plain strings."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def export_user_data(user: User) -> dict:
    """Everything the platform holds about ``user``, as plain JSON data."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "account": account_data(user),
    }
    for section in sections():
        data[section.name] = section.export(user)
    return to_json_data(data)


def erase_user(user: User) -> None:
    """Runs every eraser, then deletes the user; all or nothing.

    An eraser raises ``django.core.exceptions.ValidationError`` to refuse (e.g. the user is
    the last admin of an organisation); the transaction then rolls back and the error reaches
    the caller unchanged.
    """
    with transaction.atomic():
        for section in sections():
            if section.erase is not None:
                section.erase(user)
        user.delete()
