"""Generation counters in the cache, and rendered fragments stamped with them (issue 17).

A generation is a number in the cache under a name ("events", "members", ...) that an app
bumps whenever something it shows changes (its signal receivers call :func:`bump` or use
:func:`receiver`). A fragment rendered from that data is stored with the generations it
was rendered under (its stamp); it is served only while the stamp equals the current
generations, so a change shows on the very next request, and older fragments expire after
their timeout, the safety net for a change that sends no signal (a queryset ``update()``).

:func:`lookup` costs one round trip to the cache (the generations and the fragment in one
``get_many``). A cache that cannot be reached never breaks a page or a save: lookups then
miss, the page renders as usual, and nothing is stored.

``forum`` imports no app: the apps register their receivers themselves.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

PREFIX = "generation:"
TIMEOUT = 5 * 60  # seconds a fragment lives at most
MAX_QUERY_LENGTH = 1000


def key(name: str) -> str:
    return f"{PREFIX}{name}"


def _fresh() -> int:
    # Time-based, so a generation lost with an evicted or flushed key is never reused for
    # fragments stored before.
    return time.time_ns() // 1000


def _bump_now(name: str) -> None:
    try:
        try:
            cache.incr(key(name))
        except ValueError:  # no generation yet (or evicted): start a new one
            cache.set(key(name), _fresh(), None)
    except Exception:  # the cache is down; the fragments time out on their own
        logger.warning("Could not bump the %s generation.", name, exc_info=True)


class Bump:
    """The on-commit callback that bumps a generation: named (Django's robust on-commit
    handler logs ``func.__qualname__``), and it never raises."""

    def __init__(self, name: str):
        self.name = name
        self.__qualname__ = f"{type(self).__qualname__}({name})"

    def __call__(self) -> None:
        _bump_now(self.name)


def bump(name: str) -> None:
    """Retires every fragment stamped with ``name``: now, and again once the transaction
    commits (so a request that read the old data meanwhile cannot keep it stored)."""
    _bump_now(name)
    transaction.on_commit(Bump(name))


def receiver(name: str):
    """A signal receiver that bumps ``name`` (for post_save, post_delete, m2m_changed)."""

    def bump_generation(**_kwargs) -> None:
        bump(name)

    bump_generation.__name__ = f"bump_{name.replace('.', '_')}"
    return bump_generation


def get(name: str) -> int:
    """The current generation of ``name`` (started when there is none)."""
    return current([name])[0]


def current(names: Iterable[str]) -> tuple[int, ...]:
    names = list(names)
    found = cache.get_many([key(n) for n in names])
    return tuple(_ensure(n, found.get(key(n))) for n in names)


def _ensure(name: str, value) -> int:
    if value is not None:
        return int(value)
    cache.add(key(name), _fresh(), None)
    return int(cache.get(key(name)) or 0)


def fragment_key(scope: str, *parts, query=None) -> str:
    """A cache key for a fragment of ``scope`` from ``parts`` (language, viewer state...)
    and a request's query (``request.GET``: the order of the parameters does not matter);
    None when the query is too long to be worth keeping."""
    text = "|".join(str(p) for p in parts)
    if query is not None:
        items = sorted((k, v) for k, values in query.lists() for v in values)
        encoded = urlencode(items)
        if len(encoded) > MAX_QUERY_LENGTH:
            return None
        text += "?" + encoded
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"fragment:{scope}:{digest}"


def lookup(fragment: str, names: Iterable[str]) -> tuple:
    """(the stored value if its stamp is current, else None; the current stamp). One round
    trip. With the cache down: (None, None), and :func:`store` then keeps nothing."""
    names = list(names)
    try:
        found = cache.get_many([*(key(n) for n in names), fragment])
        stamp = tuple(_ensure(n, found.get(key(n))) for n in names)
    except Exception:
        logger.warning("Could not read the cache.", exc_info=True)
        return None, None
    stored = found.get(fragment)
    if stored is not None and tuple(stored[0]) == stamp:
        return stored[1], stamp
    return None, stamp


def lookup_many(fragments: list[str], names: Iterable[str]) -> tuple[dict, tuple | None]:
    """({fragment key: stored value} for those whose stamp is current, the current stamp):
    one round trip for many fragments (the cards of a list)."""
    names = list(names)
    try:
        found = cache.get_many([*(key(n) for n in names), *fragments])
        stamp = tuple(_ensure(n, found.get(key(n))) for n in names)
    except Exception:
        logger.warning("Could not read the cache.", exc_info=True)
        return {}, None
    return {f: found[f][1] for f in fragments if f in found and tuple(found[f][0]) == stamp}, stamp


def store_many(values: dict, stamp: tuple[int, ...] | None, timeout: int = TIMEOUT) -> None:
    if stamp is None or not values:
        return
    try:
        cache.set_many({f: (stamp, str(v)) for f, v in values.items()}, timeout)
    except Exception:
        logger.warning("Could not store fragments.", exc_info=True)


def store(fragment: str, stamp: tuple[int, ...] | None, value, timeout: int = TIMEOUT) -> None:
    """Keeps ``value`` (HTML, or anything the cache can pickle) stamped with ``stamp``."""
    if stamp is None or timeout <= 0:
        return
    if isinstance(value, str):
        value = str(value)  # a plain string, not a SafeString
    try:
        cache.set(fragment, (stamp, value), timeout)
    except Exception:  # the cache is down: the next request renders again
        logger.warning("Could not store a fragment.", exc_info=True)


def cached(fragment: str | None, names: Iterable[str], render, timeout: int = TIMEOUT) -> str:
    """The fragment from the cache, or ``render()`` (a string) stored for the next request.
    ``fragment`` None: rendered, not stored."""
    if fragment is None:
        return render()
    html, stamp = lookup(fragment, names)
    if html is None:
        html = render()
        store(fragment, stamp, html, timeout)
    return html
