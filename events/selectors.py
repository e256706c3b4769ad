"""Queries for events."""


def landing_events(user, *, limit: int = 3):
    """The next published events for the landing page (PRODUCT.md 5)."""
    return []


def organisation_page_presence(organisation, user):
    """The organisation's confirmed stands and talks at published events, for its page."""
    return {"stands": [], "talks": []}
