"""The organisers' document builds, queued from the admin's actions: the programme PDF and
the name badges. The builds themselves are in pdf.py, the tasks in tasks.py; the automatic
programme rebuild after changes is debounced in signals.py."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _queue(task_name: str, event_id: int) -> None:
    """Queues the build task once the transaction has committed."""
    from . import tasks

    task = getattr(tasks, task_name)

    def queue() -> None:
        try:
            task.delay(event_id)
        except Exception:  # broker down: the action must not answer 500 (issue 10)
            logger.warning("Could not queue %s for event %s.", task_name, event_id, exc_info=True)

    transaction.on_commit(queue)


def programme_pdf_queue(event_id: int) -> None:
    """Builds the programme PDF now (not debounced, not skipped for drafts)."""
    _queue("build_programme_pdf", event_id)


def badges_queue(event_id: int) -> None:
    _queue("build_badges", event_id)


def agenda_pack_queue(event_id: int) -> None:
    """The ZIP of every meeting participant's agenda (services/agenda_pack.py)."""
    _queue("build_agenda_pack", event_id)
