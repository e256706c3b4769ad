"""Highlighting the searched words in search results (issue 11)."""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# Words the German (and English) full-text search ignores; marking every "und" helps nobody.
_STOP_WORDS = frozenset(
    [
        "und",
        "oder",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "für",
        "fuer",
        "mit",
        "von",
        "zu",
        "zum",
        "zur",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "nach",
        "nicht",
        "ist",
        "sind",
        "the",
        "and",
        "or",
        "for",
        "with",
        "of",
        "to",
        "in",
        "on",
        "a",
        "an",
    ]
)
# German endings PostgreSQL's stemmer drops ("Batterien" finds "Batterie"): a searched word
# without them marks every word that begins the same way.
_ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=256)
def search_pattern(query: str) -> re.Pattern | None:
    """A regular expression for the words of a websearch query ("-word" excluded, quotes and
    OR ignored), matching whole words that are a word's stem plus an ending; None if nothing
    is left to mark."""
    stems = set()
    for sign, word in re.findall(r"(-?)(\w+)", query or ""):
        lower = word.lower()
        if sign or len(lower) < 3 or lower in _STOP_WORDS:
            continue
        stems.add(_stem(lower))
    if not stems:
        return None
    alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    # Up to four letters after the stem: inflections ("Batterie", "Batterien"), not
    # compounds ("Batterieaufbereitung"), which the full-text search does not match either.
    return re.compile(rf"\b(?:{alternatives})\w{{0,4}}\b", re.IGNORECASE)


@register.filter
def highlight(text, query) -> str:
    """``text`` escaped, with the words matching ``query`` in <mark>. Everything, the
    matched words included, is escaped here, so user input never becomes markup."""
    text = "" if text is None else str(text)
    pattern = search_pattern(str(query or "").strip())
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above
