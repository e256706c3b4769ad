"""The one home of row locks (``SELECT … FOR UPDATE``).

Every service that must serialise a read-check-write locks its rows through this module, so
the rules hold in one place:

- a lock is only taken inside ``transaction.atomic`` (otherwise PostgreSQL releases it at
  once and the check it guards races);
- several rows are locked in a stable order (primary key), so two transactions that lock the
  same rows cannot deadlock;
- ``of=("self",)`` by default, so a ``select_related`` join does not lock the joined rows too;
- one switch, :data:`ENABLED`, turns every lock off. Only the concurrency canaries use it (via
  :func:`disabled`), to show that the race they guard against really happens without it.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, router
from django.db.models import Model, QuerySet

#: Off only inside :func:`disabled`, in the concurrency canaries. A module attribute, not a
#: context variable, so the canary's threads see it too.
ENABLED = True


def _queryset(source) -> QuerySet:
    if isinstance(source, QuerySet):
        return source
    if isinstance(source, type) and issubclass(source, Model):
        return source._default_manager.all()
    raise TypeError(f"lock a model class or a queryset, not {source!r}")


def _check_atomic(queryset: QuerySet) -> None:
    alias = router.db_for_write(queryset.model)
    if not connections[alias].in_atomic_block:
        raise RuntimeError("A row lock needs transaction.atomic(); it would end at once.")


def locked(source, *, skip_locked: bool = False, nowait: bool = False, of=("self",)) -> QuerySet:
    """``source`` (a model or a queryset) as a queryset whose rows are locked when it is
    evaluated, in primary-key order unless the queryset is ordered already."""
    queryset = _queryset(source)
    if not ENABLED:
        return queryset
    _check_atomic(queryset)
    if not queryset.query.order_by:
        queryset = queryset.order_by("pk")
    return queryset.select_for_update(skip_locked=skip_locked, nowait=nowait, of=of)


def lock_one(source, pk, *, of=("self",)):
    """The row with ``pk``, re-read under a lock held until the transaction ends; raises the
    model's ``DoesNotExist`` when it is gone."""
    return locked(source, of=of).get(pk=pk)


def lock_one_or_none(source, pk, *, of=("self",)):
    """As :func:`lock_one`, or ``None`` when the row is gone (deleted meanwhile)."""
    return locked(source, of=of).filter(pk=pk).first()


def lock_rows(source, *, of=("self",)) -> list:
    """Every row of ``source`` locked in primary-key order, as a list."""
    return list(locked(source, of=of))


@contextmanager
def disabled():
    """Turns every lock off for the duration (concurrency canaries only)."""
    global ENABLED
    previous, ENABLED = ENABLED, False
    try:
        yield
    finally:
        ENABLED = previous
