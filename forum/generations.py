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
from collections.abc import Callable, Iterable
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


def _ensure(name: str, value) -> int:
    """The generation read (``value``), or a new one started for a name without one: one
    round trip when this process starts it, two when another one just did."""
    if value is not None:
        return int(value)
    fresh = _fresh()
    if cache.add(key(name), fresh, None):
        return fresh
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


def lookup_each(wanted: dict[str, Iterable[str]]) -> dict[str, tuple]:
    """{fragment key: (its stored value if its stamp is current, else None; its current
    stamp)} for fragments that each follow their own generations: one round trip for all.
    With the cache down every answer is (None, None), and :func:`store` then keeps nothing."""
    wanted = {fragment: list(names) for fragment, names in wanted.items()}
    keys = set(wanted) | {key(n) for names in wanted.values() for n in names}
    try:
        found = cache.get_many(sorted(keys))
        stamps = {
            fragment: tuple(_ensure(n, found.get(key(n))) for n in names)
            for fragment, names in wanted.items()
        }
    except Exception:
        logger.warning("Could not read the cache.", exc_info=True)
        return dict.fromkeys(wanted, (None, None))
    answers = {}
    for fragment, stamp in stamps.items():
        stored = found.get(fragment)
        valid = stored is not None and tuple(stored[0]) == stamp
        answers[fragment] = (stored[1] if valid else None, stamp)
    return answers


def lookup(fragment: str, names: Iterable[str]) -> tuple:
    """(the stored value if its stamp is current, else None; the current stamp). One round
    trip. With the cache down: (None, None), and :func:`store` then keeps nothing."""
    return lookup_each({fragment: names})[fragment]


def lookup_many(fragments: list[str], names: Iterable[str]) -> tuple[dict, tuple | None]:
    """({fragment key: stored value} for those whose stamp is current, the current stamp):
    one round trip for many fragments of the same generations (the cards of a list)."""
    names = list(names)
    answers = lookup_each(dict.fromkeys(fragments, names))
    stamp = next(iter(answers.values()))[1] if answers else None
    return {f: value for f, (value, _stamp) in answers.items() if value is not None}, stamp


def store(fragment: str, stamp: tuple[int, ...] | None, value, timeout: int = TIMEOUT) -> None:
    """Keeps ``value`` (HTML, or anything the cache can pickle) stamped with ``stamp``."""
    store_many({fragment: value}, stamp, timeout)


def store_many(values: dict, stamp: tuple[int, ...] | None, timeout: int = TIMEOUT) -> None:
    if stamp is None or not values or timeout <= 0:
        return
    try:
        cache.set_many({f: (stamp, v) for f, v in values.items()}, timeout)
    except Exception:  # the cache is down: the next request renders again
        logger.warning("Could not store fragments.", exc_info=True)


# --- What is kept about the viewer -------------------------------------------------------------
#
# Nearly every logged-in page asks the cache for a few values about the person viewing it
# (their membership, their unread count). Each app registers such a value with
# :func:`viewer_value`; the first ask in a request reads all of them, with their
# generations, in one round trip, and keeps the answers on the user object, which lives as
# long as the request.

_VIEWER_VALUES: dict[str, Callable[[int], list[str]]] = {}


def viewer_value(name: str, generations_of: Callable[[int], list[str]]) -> None:
    """Registers the per-user value ``name``, valid while the generations that
    ``generations_of(user_pk)`` names are unchanged."""
    _VIEWER_VALUES[name] = generations_of


def viewer_key(name: str, user_pk: int) -> str:
    return f"fragment:viewer:{name}:{user_pk}"


def lookup_viewer(user, name: str) -> tuple:
    """(the kept value ``name`` of ``user`` or None, the stamp to store a fresh one with):
    from the round trip that read every registered value of the user, made on the first
    ask of the request. Each answer is handed out once; a second ask (after a service
    changed the value) reads the cache again."""
    bundle = getattr(user, "_viewer_values", None)
    if bundle is None:
        bundle = user._viewer_values = read_viewer(user.pk)
    if name in bundle:
        return bundle.pop(name)
    return lookup(viewer_key(name, user.pk), _VIEWER_VALUES[name](user.pk))


def forget_viewer(user, name: str) -> None:
    """Drops the answer about ``name`` read for this request (a service just changed it)."""
    getattr(user, "_viewer_values", {}).pop(name, None)


def attach_viewer(user, values: dict[str, tuple]) -> None:
    """Hands the answers of :func:`read_viewer` to the user object read with them (the
    authentication backend reads the user itself as one of them)."""
    user._viewer_values = values


def read_viewer(user_pk: int) -> dict[str, tuple]:
    """{name: (kept value or None, stamp)} of every registered value about the user: one
    round trip."""
    wanted = {viewer_key(name, user_pk): of(user_pk) for name, of in _VIEWER_VALUES.items()}
    answers = lookup_each(wanted)
    return {name: answers[viewer_key(name, user_pk)] for name in _VIEWER_VALUES}


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
