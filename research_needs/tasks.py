"""Celery tasks of research needs: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .services import expire_due_needs

# Embedding tasks retry when the database is briefly unreachable; anything missed is
# picked up by `manage.py matching_refresh` (or the task of the same name).
_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="research_needs.expire_due")
def expire_due() -> dict:
    """Daily at 06:00 (forum/settings.py): closes needs past their deadline and reminds
    owners 14 days ahead. Each need is its own transaction, so a rerun picks up the rest."""
    expired, reminded = expire_due_needs()
    return {"expired": expired, "reminded": reminded}


@shared_task(name="research_needs.embed_need", **_RETRY)
def embed_need(need_id: int) -> bool:
    """Queued when a need is saved (research_needs.signals): stems, embeds and stores its
    row for the recommendations, unless its texts did not change. False when the need
    is gone."""
    from .matching.store import need_vector_refresh

    return need_vector_refresh(need_id=int(need_id)) is not None


@shared_task(name="research_needs.embed_organisation", **_RETRY)
def embed_organisation(organisation_id: int) -> bool:
    """Queued when an organisation or its competence profile is saved: the same for its
    row. False when the organisation is gone or has no text to match."""
    from .matching.store import organisation_vector_refresh

    return organisation_vector_refresh(organisation_id=int(organisation_id)) is not None


@shared_task(name="research_needs.matching_refresh")
def matching_refresh() -> dict:
    """Every missing or outdated row (after a new MODEL_VERSION, a lost task or a
    queryset update); fit for a nightly beat entry."""
    from .matching.store import vectors_refresh

    return vectors_refresh().as_dict()
