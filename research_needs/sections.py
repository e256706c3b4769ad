"""What research_needs shows on pages of lower apps (``forum/sections.py``): the newest
public needs on the landing page, an organisation's open needs on its page, the open
needs that fit a member's organisation on their start page."""

from forum import sections
from members.models import Organisation
from members.permissions import can_manage_organisation
from members.selectors import competence_profile_of

from .matching.selectors import recommend_needs_for_organisation
from .selectors import landing_needs, organisation_page_needs

#: How many fitting needs the start page lists.
HOME_NEEDS = 5


def landing_context(request, _organisation) -> dict:
    return {"landing_needs": landing_needs(request.user)}


def organisation_context(request, organisation) -> dict:
    return {"organisation_needs": organisation_page_needs(organisation, request.user)}


def home_context(request, organisation) -> dict:
    """Up to HOME_NEEDS open needs that fit the member's organisation, best first, with
    their reasons; whether it has a competence profile (else the page asks for one). Only
    for an approved organisation: a pending one acts for nobody yet."""
    if organisation is None or organisation.status != Organisation.Status.APPROVED:
        return {"home_recommendations": None}
    return {
        "home_recommendations": recommend_needs_for_organisation(
            organisation,
            viewer=request.user,
            limit=HOME_NEEDS,
            language=getattr(request, "LANGUAGE_CODE", None),
        ),
        "home_organisation": organisation,
        "home_has_profile": competence_profile_of(organisation) is not None,
        "home_can_edit_profile": can_manage_organisation(request.user, organisation),
    }


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
    sections.register(
        sections.HOME,
        "research_needs",
        template="research_needs/_home_recommendations.html",
        context=home_context,
        order=10,
    )
