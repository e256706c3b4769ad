"""The rendered needs list for visitors, kept in Django's cache (P3).

Visitors (anonymous users) all see the same list for the same language and query string,
so the page is rendered once and served from the cache (Redis in production) until
something shown on it changes. Every such change bumps a generation number that is part of
the key, so older pages are never served again and expire after ``LIST_TIMEOUT``, the safety net for a change that sends no signal (a queryset
``update()``). A cache that cannot be reached never breaks the page or a save: the list is
then rendered as usual.
"""

from __future__ import annotations

import hashlib
import logging
import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction

from forum import generations

logger = logging.getLogger(__name__)

LIST_TIMEOUT = 5 * 60
# Shared with the members' cached list content (research_needs/views/needs.py, issue 17).
GENERATION = "research_needs"
GENERATION_KEY = generations.key(GENERATION)
MAX_QUERY_LENGTH = 1000


def _fresh_generation() -> int:
    # Time-based, so a generation lost with an evicted or flushed key is never reused
    # for pages cached before.
    return time.time_ns() // 1000


def _bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet (or evicted): start a new one
            cache.set(GENERATION_KEY, _fresh_generation(), None)
    except Exception:  # the cache is down; the pages time out on their own
        logger.warning("Could not invalidate the cached needs list.", exc_info=True)


def invalidate(**_kwargs) -> None:
    """Signal receiver: drop every cached list, now and again once the transaction commits
    (so a visitor who rendered the old data meanwhile cannot keep it cached)."""
    _bump()
    transaction.on_commit(_bump)


def page_key(request, language: str) -> str | None:
    """The cache key of this list page, or None when it should not be cached."""
    items = sorted((key, value) for key, values in request.GET.lists() for value in values)
    query = urlencode(items)
    if len(query) > MAX_QUERY_LENGTH:
        return None
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"research_needs:list:{language}:{digest}"


def get_page(key: str) -> tuple[str | None, int]:
    """The cached HTML if it belongs to the current generation, and that generation: one
    round trip to the cache (each one costs about as much as a trivial view)."""
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, _fresh_generation(), None)
        return None, int(cache.get(GENERATION_KEY))
    cached = found.get(key)
    if cached is not None and cached[0] == current:
        return cached[1], current
    return None, current


def store_page(key: str, generation: int, html: str) -> None:
    try:
        cache.set(key, (generation, html), LIST_TIMEOUT)
    except Exception:  # the cache is down: the next visitor gets a rendered page again
        logger.warning("Could not cache the needs list.", exc_info=True)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from members.models import Organisation, Topic

    from .models import Answer, Need

    # Answers: an accepted one reveals an anonymous need's poster to the answering
    # organisation's members (their cached list content).
    for model in (Need, Organisation, Topic, Answer):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"needs_list_{model.__name__}")
        post_delete.connect(
            invalidate, sender=model, dispatch_uid=f"needs_list_del_{model.__name__}"
        )
    m2m_changed.connect(invalidate, sender=Need.topics.through, dispatch_uid="needs_list_topics")
