"""The event page in the cache (issue 17).

Visitors all see the same event page for a language, so it is rendered once and served
from the cache; members get their page rendered around the event and its programme, which
are kept (events/views.py ``_event_page_data``), with the seats taken and their own
registration kept beside them.

Two generations (forum/generations.py) follow what the pages show:
- ``events``: every save or delete of a model of this app that an event page shows (the
  event, rooms, speakers, programme items and their sign-ups, stands, releases, meeting
  settings...), and every change of its many-to-many relations;
- ``events.registrations``: every save or delete of a registration (the seats taken, who
  is registered); a changed registration with session sign-ups bumps ``events`` as well
  (the programme counts the places of confirmed registrations).
A registration therefore renews the seat count and the person's own box, not the programme:
when registration opens, the busiest moment, members' pages keep their programme. The
visitor's page, which shows the seats, follows both and the ``members`` generation (the
host's name). Personal models no event page shows (stars, calendar feeds, meeting requests
and their outcomes) bump nothing. A page is kept at most until the event's next moment that
changes it by the clock (registration opens or closes, the event starts or ends).
"""

from __future__ import annotations

from django.utils import timezone

from forum import generations

GENERATION = "events"
REGISTRATIONS = "events.registrations"
PROGRAMME_GENERATIONS = (GENERATION, "members")  # members: the host's name
SEATS_GENERATIONS = (GENERATION, REGISTRATIONS)
PAGE_GENERATIONS = (GENERATION, REGISTRATIONS, "members")
TIMEOUT = 5 * 60
# Models of this app that no cached page shows: a person's stars and calendar feed, the
# meeting requests between people and what they report about them.
NOT_SHOWN = frozenset(
    {
        "agendastar",
        "calendarfeed",
        "meetingrequest",
        "meetingparticipant",
        "meetingbooking",
        "meetingoutcome",
    }
)


def generation_of(model) -> str | None:
    """The generation a save or delete of ``model`` bumps (None: not one of this app's, or
    nothing a cached page shows). Many-to-many tables (their own models) count as shown."""
    if model._meta.app_label != "events":
        return None
    name = model._meta.model_name
    if name == "registration":
        return REGISTRATIONS
    return None if name in NOT_SHOWN else GENERATION


def _bump_for_events(sender, **kwargs) -> None:
    name = generation_of(sender)
    if name is not None:
        generations.bump(name)
    if name == REGISTRATIONS and _holds_session_places(kwargs):
        # The programme counts the session places of confirmed registrations: a changed
        # registration with sign-ups changes those counts without saving a sign-up.
        generations.bump(GENERATION)


def _holds_session_places(kwargs) -> bool:
    """A registration saved or deleted that has session sign-ups. A new one has none yet
    (its sign-ups, saved after it, bump on their own), so registering asks nothing."""
    if kwargs.get("created", True) or "instance" not in kwargs:
        return False
    return kwargs["instance"].session_signups.exists()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    # No sender: every model of the app, those added later included (their m2m tables too).
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_bump_for_events, dispatch_uid=f"events_generation_{name}")


def page_timeout(event, now=None) -> int:
    """Seconds the page may be kept: at most TIMEOUT, and never past the next moment at
    which the clock alone changes what it shows."""
    now = now or timezone.now()
    moments = [event.registration_opens_at, event.registration_closes_at]
    moments += [event.starts_at, event.ends_at]
    ahead = [(m - now).total_seconds() for m in moments if m is not None and m > now]
    return int(min([TIMEOUT, *ahead]))
