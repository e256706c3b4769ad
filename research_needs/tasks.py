"""Celery tasks of research needs: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .services import expire_due_needs


@shared_task(name="research_needs.expire_due")
def expire_due() -> dict:
    """Daily at 06:00 (forum/settings.py): closes needs past their deadline and reminds
    owners 14 days ahead. Each need is its own transaction, so a rerun picks up the rest."""
    expired, reminded = expire_due_needs()
    return {"expired": expired, "reminded": reminded}
