"""What events shows on pages of lower apps (``forum/sections.py``): the next forum and the
next events on the landing page, an organisation's stands and talks on its page."""

from forum import sections

from .selectors import landing_forum_and_events, organisation_page_presence


def landing_context(request, _organisation) -> dict:
    """The next forum, featured with its dates, place and (while registration is open) a
    register button, and the next other events."""
    forum, events = landing_forum_and_events(request.user)
    return {
        "landing_forum": forum,
        # The landing page puts it right after its hero (templates/forum/landing.html).
        "lead_template": "events/_landing_forum.html" if forum is not None else "",
        "landing_forum_open": forum is not None and forum.registration_is_open,
        "landing_events": events,
    }


def organisation_context(request, organisation) -> dict:
    return {"organisation_events": organisation_page_presence(organisation, request.user)}


def register_sections() -> None:
    sections.register(
        sections.LANDING,
        "events",
        template="events/_landing.html",
        context=landing_context,
        order=10,
    )
    sections.register(
        sections.ORGANISATION,
        "events",
        template="events/_organisation.html",
        context=organisation_context,
        order=20,
    )
