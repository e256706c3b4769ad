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

import logging
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import Event, ProgrammeItem, Room, Speaker, Stand

logger = logging.getLogger(__name__)


def autobuild_enabled() -> bool:
    default = not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    return getattr(settings, "EVENTS_PDF_AUTOBUILD", default)


def debounce_seconds() -> int:
    return getattr(settings, "EVENTS_PDF_DEBOUNCE", 30)


def _queue_build(event_id: int) -> None:
    from .tasks import build_programme_pdf as build_programme_pdf_task

    delay = debounce_seconds()
    if not cache.add(f"events:programme-pdf-queued:{event_id}", 1, timeout=delay):
        return  # a build is already queued and will see this change
    try:
        build_programme_pdf_task.apply_async(
            (event_id,), {"requested_at": timezone.now().isoformat()}, countdown=delay
        )
    except Exception:
        cache.delete(f"events:programme-pdf-queued:{event_id}")
        logger.warning("Could not queue the programme PDF build of event %s.", event_id)


def programme_changed(event_id: int | None) -> None:
    if event_id and autobuild_enabled():
        transaction.on_commit(partial(_queue_build, event_id), robust=True)


def _on_part_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures
    programme_changed(instance.event_id)


def _on_event_save(sender, instance, **kwargs):
    if not kwargs.get("raw") and not kwargs.get("created"):
        programme_changed(instance.pk)


def _on_speakers_change(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        if isinstance(instance, ProgrammeItem):
            programme_changed(instance.event_id)
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
