"""What research_needs shows on pages of lower apps (``forum/sections.py``): the newest
public needs on the landing page, an organisation's open needs on its page."""

from forum import sections

from .selectors import landing_needs, organisation_page_needs


def landing_context(request, _organisation) -> dict:
    return {"landing_needs": landing_needs(request.user)}


def organisation_context(request, organisation) -> dict:
    return {"organisation_needs": organisation_page_needs(organisation, request.user)}


def register_sections() -> None:
    sections.register(
        sections.LANDING,
        "research_needs",
        template="research_needs/_landing.html",
        context=landing_context,
        order=20,
    )
    sections.register(
        sections.ORGANISATION,
        "research_needs",
        template="research_needs/_organisation.html",
        context=organisation_context,
        order=10,
    )
