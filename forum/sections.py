"""Sections that apps higher up add to a page of a lower one, so the lower app never imports
them (``forum`` below everything, ``members`` below ``events`` and ``research_needs``).

The landing page (``forum.views.landing``), an organisation's page
(``members.views.organisations.organisation_detail``) and a member's start page
(``members.views.account.home``) show what other apps hold: the next events, the
newest needs, an organisation's stands and talks. An app registers one section per page from
its ``AppConfig.ready()``, as it registers its privacy exporters (``forum/privacy``)::

    from forum import sections

    sections.register(
        sections.ORGANISATION,
        "research_needs",
        template="research_needs/_organisation.html",
        context=organisation_context,   # (request, organisation) -> dict
        order=10,
    )

The page's view calls :func:`collect` and its template renders each entry with
``{% page_section section %}`` (``forum_sections`` tags): the section's template sees the
page's context plus the dict its context function returned. A context function does its
queries at once (lists, not lazy querysets), so a page's query count does not depend on
whether the template happens to touch a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: The landing page; context functions get ``(request, None)``.
LANDING = "landing"
#: An organisation's public page; context functions get ``(request, organisation)``.
ORGANISATION = "organisation"
#: A member's start page (``members:home``); context functions get ``(request,
#: organisation)``, the member's organisation or None (an organiser without one).
HOME = "home"
PAGES = frozenset({LANDING, ORGANISATION, HOME})

Context = Callable[[Any, Any], dict]


@dataclass(frozen=True)
class Section:
    page: str
    name: str
    template: str
    context: Context
    order: int = 0


@dataclass(frozen=True)
class Rendered:
    """One section ready for a page: its template and the context it adds."""

    name: str
    template: str
    context: dict


_sections: dict[str, dict[str, Section]] = {page: {} for page in PAGES}


def register(page: str, name: str, *, template: str, context: Context, order: int = 0) -> Section:
    """Adds a section to ``page``. Registering the same section again is harmless
    (``ready()`` may run twice); a different one under a taken name is a programming error."""
    if page not in PAGES:
        raise ImproperlyConfigured(f"Unknown page {page!r} for section {name!r}.")
    entry = Section(page, name, template, context, order)
    existing = _sections[page].get(name)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"Section {name!r} of page {page!r} is already registered.")
    _sections[page][name] = entry
    return entry


def unregister(page: str, name: str) -> None:
    _sections.get(page, {}).pop(name, None)


def sections(page: str) -> list[Section]:
    """The page's sections in their order (registration order among equals)."""
    return sorted(_sections[page].values(), key=lambda section: section.order)


def collect(page: str, request, obj=None) -> list[Rendered]:
    """Runs every section's context function for this request (and organisation)."""
    return [
        Rendered(section.name, section.template, dict(section.context(request, obj)))
        for section in sections(page)
    ]
