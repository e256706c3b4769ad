"""Text helpers: language guess, sentence split and stemming through PostgreSQL.

Stemming uses PostgreSQL's own full-text configurations (``german``, ``english``): the same
snowball stemmers and stop-word lists the needs search uses (research_needs.selectors),
on Debian's PostgreSQL 15 and the embedded 18 alike, so no Python stemming package is
needed. ``to_tsvector`` also drops stop words, so what comes back are content words.
"""

from __future__ import annotations

import re
from collections import Counter

CONFIGS = {"de": "german", "en": "english"}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A few frequent function words per language, enough to tell German from English prose.
_STOP = {
    "de": set("der die das und ist mit von für wir auf den zu ein eine im".split()),  # noqa: SIM905
    "en": set("the and is with of for we on to a an in our are that".split()),  # noqa: SIM905
}
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜ0-9])|\n+")


def guess_language(text: str, default: str = "de") -> str:
    """Returns "de" or "en" by counting frequent function words; ``default`` when undecided."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOP.items()}
    if counts["en"] > counts["de"]:
        return "en"
    if counts["de"] > counts["en"]:
        return "de"
    return default


def split_sentences(text: str, *, min_chars: int = 25) -> list[str]:
    """Sentences of a profile text, short fragments joined to the one before."""
    sentences: list[str] = []
    for part in _SENTENCE_END.split(text or ""):
        part = part.strip()
        if not part:
            continue
        if sentences and len(part) < min_chars:
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


_STEM_SQL = """
SELECT x.i, coalesce(
    (SELECT json_object_agg(lexeme, coalesce(array_length(positions, 1), 1))
       FROM unnest(to_tsvector(x.cfg::regconfig, x.t))),
    '{}'::json)
  FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS x(t, cfg, i)
 ORDER BY x.i
"""


def stem_texts(texts: list[str], languages: list[str], *, cursor) -> list[Counter]:
    """Stemmed content words with their counts, one Counter per text, each stemmed with
    the configuration of its language (one round trip for all texts)."""
    if not texts:
        return []
    configs = [CONFIGS.get(lang, "simple") for lang in languages]
    cursor.execute(_STEM_SQL, [list(texts), configs])
    rows = cursor.fetchall()
    result = []
    for _i, lexemes in rows:
        if isinstance(lexemes, str):  # psycopg2 parses json; other drivers may not
            import json

            lexemes = json.loads(lexemes)
        result.append(Counter({k: int(v) for k, v in lexemes.items()}))
    return result


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
