"""Rebuilds the programme PDF after programme changes, debounced.

Saving an event in the admin with 40 inline items commits 40 item saves at once; each
registers an on-commit callback, and only the first of them within
``EVENTS_PDF_DEBOUNCE`` seconds queues a build (a cache key per event, ``cache.add``), with
that many seconds of countdown, so the changes of the next seconds land in the same build.
The task skips itself when a build that started after the request is already stored.

Without a broker (development without Redis, tests) Celery runs tasks at once, so the
automatic rebuild is off by default there (``EVENTS_PDF_AUTOBUILD``): every save would wait
for a PDF. The admin action and the first request for the PDF build it then.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from members.signals import organisation_deactivated

from .models import Event, ProgrammeItem, Room, Speaker, Stand

logger = logging.getLogger(__name__)


def autobuild_enabled() -> bool:
    default = not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    return getattr(settings, "EVENTS_PDF_AUTOBUILD", default)


def debounce_seconds() -> int:
    return getattr(settings, "EVENTS_PDF_DEBOUNCE", 30)


# While the broker cannot be reached, this process stops trying until then (monotonic
# seconds): an admin save with 40 inline items would otherwise wait 40 times for the
# publish to give up, with the cache (on the same Redis) unable to debounce.
_broker_down_until = 0.0


def _queue_build(event_id: int) -> None:
    """Queues one debounced build. Never raises: it runs after the commit, where an error
    would reach the user as a 500 although the change is saved; the next change after the
    outage queues the build again."""
    global _broker_down_until
    from .tasks import build_programme_pdf as build_programme_pdf_task

    if time.monotonic() < _broker_down_until:
        return
    delay = debounce_seconds()
    key = f"events:programme-pdf-queued:{event_id}"
    try:
        if not cache.add(key, 1, timeout=delay):
            return  # a build is already queued and will see this change
        build_programme_pdf_task.apply_async(
            (event_id,), {"requested_at": timezone.now().isoformat()}, countdown=delay
        )
    except Exception:
        _broker_down_until = time.monotonic() + delay
        with contextlib.suppress(Exception):
            cache.delete(key)
        logger.warning(
            "Could not queue the programme PDF build of event %s; not trying again for %s s.",
            event_id,
            delay,
            exc_info=True,
        )


class QueueBuild:
    """The on-commit callback of one event's build. A named callable, not a
    ``functools.partial``: Django's robust on-commit handler logs ``func.__qualname__`` and
    failed with an AttributeError on a partial (issue 10).

    ``unless_released``: a change of the items themselves, which the public PDF shows only
    once the programme is released (issue 16, item 6); for an event with a release the
    release queues the build, so this one is dropped."""

    def __init__(self, event_id: int, *, unless_released: bool = False):
        self.event_id = event_id
        self.unless_released = unless_released
        self.__qualname__ = f"{type(self).__qualname__}({event_id})"

    def __call__(self) -> None:
        if self.unless_released and _has_release(self.event_id):
            return
        _queue_build(self.event_id)


def _has_release(event_id: int) -> bool:
    from .models_releases import ScheduleRelease

    return ScheduleRelease.objects.filter(event_id=event_id).exists()


def programme_changed(event_id: int | None, *, items_only: bool = False) -> None:
    """``items_only``: only programme items changed (their times, rooms, titles, speakers),
    not what the PDF shows live (the event, rooms' and speakers' names, stands)."""
    if event_id and autobuild_enabled():
        transaction.on_commit(QueueBuild(event_id, unless_released=items_only), robust=True)


def _on_part_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures
    programme_changed(instance.event_id, items_only=sender is ProgrammeItem)


def _on_event_save(sender, instance, **kwargs):
    if not kwargs.get("raw") and not kwargs.get("created"):
        programme_changed(instance.pk)


def _on_speakers_change(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        if isinstance(instance, ProgrammeItem):
            programme_changed(instance.event_id, items_only=True)
        else:  # changed from the speaker's side
            programme_changed(getattr(instance, "event_id", None))


def connect() -> None:
    for model in (ProgrammeItem, Room, Speaker, Stand):
        post_save.connect(
            _on_part_change, sender=model, dispatch_uid=f"events-pdf-{model.__name__}"
        )
        post_delete.connect(
            _on_part_change, sender=model, dispatch_uid=f"events-pdf-del-{model.__name__}"
        )
    post_save.connect(_on_event_save, sender=Event, dispatch_uid="events-pdf-event")
    m2m_changed.connect(
        _on_speakers_change, sender=ProgrammeItem.speakers.through, dispatch_uid="events-pdf-m2m"
    )


# --- members: an organisation nobody speaks for any more (members/signals.py) -------------


@receiver(organisation_deactivated, dispatch_uid="events.organisation_deactivated")
def withdraw_stands(sender, *, organisation, actor, **kwargs) -> dict:
    """Its stand applications at coming events are withdrawn (``stand_withdraw``, as the
    actor); stands at past events are records, not applications any more."""
    from .services import stands_withdraw_for_organisation

    return {"stands": stands_withdraw_for_organisation(organisation=organisation, actor=actor)}
