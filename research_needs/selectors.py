"""Queries for research needs. Every selector filters by what the given user may see."""


def landing_needs(user, *, limit: int = 6):
    """The newest public needs for the landing page (PRODUCT.md 5)."""
    return []


def organisation_page_needs(organisation, user):
    """The organisation's needs the viewer may see, for its profile page."""
    return []
