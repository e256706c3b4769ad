"""Queuing the embedding tasks once a transaction commits, without ever failing the save.

The callback runs after the commit, where an exception would reach the user as a 500 although
the change is saved; so a broker that cannot be reached is logged, and this process stops
trying for ``BACKOFF_SECONDS`` (a demo seed or an admin save queues dozens at once, each of
which would otherwise wait for the publish to give up). What was not queued is computed by
``manage.py matching_refresh`` (or its task), which finds every row that is missing or
computed from other texts.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30
_broker_down_until = 0.0


class QueueEmbedding:
    """The on-commit callback for one record. A named callable, not a
    ``functools.partial``: Django's robust on-commit handler logs ``__qualname__``."""

    def __init__(self, task_name: str, pk: int):
        self.task_name, self.pk = task_name, pk
        self.__qualname__ = f"{type(self).__qualname__}({task_name}, {pk})"

    def __call__(self) -> None:
        global _broker_down_until
        from research_needs import tasks

        if time.monotonic() < _broker_down_until:
            return
        try:
            getattr(tasks, self.task_name).delay(self.pk)
        except Exception:
            _broker_down_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning(
                "Could not queue %s(%s) for the recommendations; matching_refresh will "
                "compute it. Not trying again for %s s.",
                self.task_name,
                self.pk,
                BACKOFF_SECONDS,
                exc_info=True,
            )


def need_changed(need_id: int) -> None:
    transaction.on_commit(QueueEmbedding("embed_need", need_id), robust=True)


def organisation_changed(organisation_id: int) -> None:
    transaction.on_commit(QueueEmbedding("embed_organisation", organisation_id), robust=True)
