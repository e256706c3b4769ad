"""The event page in the cache (issue 17).

Visitors all see the same event page for a language, so it is rendered once and served
from the cache; members get their page rendered around the programme, which is kept
(``{% cache %}`` in events/event_detail.html, keyed on the generation). Every save or
delete of any model of this app, and every change of its many-to-many relations, bumps
the ``events`` generation (forum/generations.py), so a changed programme, seat count or
status shows on the next request; the visitor's page also follows the ``members``
generation (the host's name). A page is kept at most until the event's next moment that
changes it by the clock (registration opens or closes, the event starts or ends).
"""

from __future__ import annotations

from django.utils import timezone

from forum import generations

GENERATION = "events"
PAGE_GENERATIONS = (GENERATION, "members")  # members: the host's name on the page
TIMEOUT = 5 * 60


def _bump_for_events(sender, **_kwargs) -> None:
    if sender._meta.app_label == "events":
        generations.bump(GENERATION)


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
