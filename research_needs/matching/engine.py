"""Ranking in both directions with one score per (need, organisation) pair.

The score is a weighted sum of a few features, each in [0, 1] (embedding cosine is in
[-1, 1], in practice 0.7 to 0.9 for e5):

- ``embedding``: cosine of the need's and the profile's sentence embeddings
  (embeddings.py), which also matches German against English and different words for
  the same thing;
- ``lexical``: TF-IDF cosine of the stemmed content words (lexical.py);
- ``topics``: share of the need's topics the organisation also ticked;
- ``cooperation``: 1 when the organisation offers a cooperation type the need seeks;
- ``trl``: 1 when the TRL ranges overlap, falling by a third per level of gap;
- ``kind``: 1 when the organisation's kind is among the partner kinds the need asks for.

Weights (``DEFAULT_WEIGHTS``) were set on shared/matching/dev.json only, by coordinate
ascent on the mean of both directions' nDCG@10 (research_needs.matching.evaluation,
bench/matching_tune.py), the embedding's weight fixed at 1. The landscape is flat around
them: the kind weight anywhere from 0.1 to 0.5 changes nothing, and need → organisation
nDCG@10 stays between 0.91 and 0.92 for lexical 0.3 to 0.4, topics 0.1 to 0.15, TRL 0 to
0.18. Five-fold cross-validation over the needs (three shuffles), tuning only lexical and
topics, gives 0.899 on the held-out needs against 0.920 in-sample; tuning all five from a
neutral start, 0.858. No rule mentions a particular key, topic or word.

Speed: every feature but ``lexical`` is computed for all candidates at once with numpy
(one matrix-vector product plus bit operations on topic, cooperation-type and kind
masks); the lexical cosine, a Python loop over sparse vectors, is added for the
``LEXICAL_POOL`` best of those only. With at most ``LEXICAL_POOL`` candidates (the data
sets) the ranking is exact.

Privacy is the callers' part, except what the engine can check itself: a need's own
organisation is never ranked for it (nor its needs for the organisation), and
``only_partner_kinds`` drops organisations of kinds the need does not ask for. Callers
pass only needs the reader may see, drop opted-out organisations from the index, and never
show the posting organisation of an anonymous need (the result carries keys only).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .documents import NeedDoc, OrgDoc
from .lexical import TermVector, cosine

LEXICAL_POOL = 300
FEATURES = ("embedding", "lexical", "topics", "cooperation", "trl", "kind")


@dataclass(frozen=True)
class Weights:
    embedding: float
    lexical: float
    topics: float
    cooperation: float
    trl: float
    kind: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


# Set on dev.json (see module docstring); the full-text baseline is Weights with only
# ``lexical`` set.
DEFAULT_WEIGHTS = Weights(
    embedding=1.0, lexical=0.4, topics=0.12, cooperation=0.04, trl=0.1, kind=0.25
)
LEXICAL_ONLY = Weights(embedding=0, lexical=1, topics=0, cooperation=0, trl=0, kind=0)


@dataclass(frozen=True)
class Match:
    """One recommendation: the other side's key, its score and the features behind it."""

    key: str
    score: float
    features: dict[str, float] = field(compare=False)


class _Codes:
    """Bit positions for codes (topic slugs, cooperation types, kinds), assigned on first
    sight. More than 63 codes of one kind share bits (a harmless over-estimate)."""

    def __init__(self):
        self._bits: dict[str, int] = {}

    def mask(self, codes: Collection[str]) -> int:
        value = 0
        for code in codes:
            bit = self._bits.setdefault(code, len(self._bits) % 63)
            value |= 1 << bit
        return value

    def masks(self, rows: Sequence[Collection[str]]) -> np.ndarray:
        return np.fromiter((self.mask(r) for r in rows), dtype=np.int64, count=len(rows))


_TOPICS, _COOPERATION, _KINDS = _Codes(), _Codes(), _Codes()
# Organisation keys as integers, so "not its own organisation" compares numbers.
_OWNERS: dict[str, int] = {}


def _owner_ids(keys) -> np.ndarray:
    return np.fromiter(
        (_OWNERS.setdefault(k, len(_OWNERS)) for k in keys), dtype=np.int64, count=len(keys)
    )


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values).astype(np.float32)


def _as_matrix(vectors, rows: int) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != rows:
        raise ValueError(f"expected {rows} vectors, got an array of shape {matrix.shape}")
    return matrix


@dataclass
class OrgIndex:
    """The organisations one ranks against, with their precomputed embeddings (one row
    each, unit length) and TF-IDF term vectors, plus column arrays for the structured
    features. ``sentences``/``sentence_vectors`` (optional) feed the reasons."""

    docs: Sequence[OrgDoc]
    vectors: np.ndarray
    terms: Sequence[TermVector]
    sentences: Sequence[Sequence[str]] = ()
    sentence_vectors: Sequence[np.ndarray] = ()

    def __post_init__(self):
        self.docs = list(self.docs)
        self.vectors = _as_matrix(self.vectors, len(self.docs))
        self.keys = np.array([d.key for d in self.docs], dtype=object)
        self.ids = _owner_ids([d.key for d in self.docs])
        self.row = {d.key: i for i, d in enumerate(self.docs)}
        self.kind_bits = _KINDS.masks([(d.kind,) for d in self.docs])
        self.topic_bits = _TOPICS.masks([d.topics for d in self.docs])
        self.cooperation_bits = _COOPERATION.masks([d.cooperation_types for d in self.docs])
        self.trl_low = np.array([d.trl_range[0] for d in self.docs], dtype=np.float32)
        self.trl_high = np.array([d.trl_range[1] for d in self.docs], dtype=np.float32)


@dataclass
class NeedIndex:
    """The needs one ranks against (the caller passes only open needs the reader may
    see), with precomputed embeddings and term vectors."""

    docs: Sequence[NeedDoc]
    vectors: np.ndarray
    terms: Sequence[TermVector]

    def __post_init__(self):
        self.docs = list(self.docs)
        self.vectors = _as_matrix(self.vectors, len(self.docs))
        self.keys = np.array([d.key for d in self.docs], dtype=object)
        self.row = {d.key: i for i, d in enumerate(self.docs)}
        self.owners = _owner_ids([d.organisation for d in self.docs])
        self.partner_kind_bits = _KINDS.masks([d.partner_kinds for d in self.docs])
        self.topic_bits = _TOPICS.masks([d.topics for d in self.docs])
        self.topic_counts = np.maximum(_popcount(self.topic_bits), 1.0)
        self.cooperation_bits = _COOPERATION.masks([d.cooperation_types for d in self.docs])
        self.trl_low = np.array([d.trl_range[0] for d in self.docs], dtype=np.float32)
        self.trl_high = np.array([d.trl_range[1] for d in self.docs], dtype=np.float32)


def _trl_fit(low_a, high_a, low_b, high_b):
    gap = np.maximum(np.maximum(low_b - high_a, low_a - high_b), 0.0)
    return np.clip(1.0 - gap / 3.0, 0.0, 1.0)


def _any_shared(bits_a, bits_b):
    """1 where the masks share a bit; 1 as well where the seeking side asks for nothing."""
    return np.where((bits_a == 0) | ((bits_a & bits_b) != 0), 1.0, 0.0).astype(np.float32)


def _finish(
    base: np.ndarray,
    keep: np.ndarray,
    parts: dict[str, np.ndarray],
    lexical,
    keys: np.ndarray,
    weights: Weights,
    limit: int | None,
) -> list[Match]:
    candidates = np.flatnonzero(keep)
    if candidates.size > LEXICAL_POOL:
        best = np.argpartition(-base[candidates], LEXICAL_POOL - 1)[:LEXICAL_POOL]
        candidates = candidates[best]
    lex = np.array([lexical(i) for i in candidates], dtype=np.float32)
    scores = base[candidates] + weights.lexical * lex
    # Ties (rare with embeddings) go by key, so a ranking never depends on input order.
    order = sorted(range(candidates.size), key=lambda i: (-scores[i], keys[candidates[i]]))
    if limit is not None:
        order = order[:limit]
    matches = []
    for i in order:
        row = candidates[i]
        features = {name: float(values[row]) for name, values in parts.items()}
        features["lexical"] = float(lex[i])
        matches.append(Match(key=str(keys[row]), score=float(scores[i]), features=features))
    return matches


def _combine(parts: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    return sum(getattr(weights, name) * values for name, values in parts.items())


def rank_organisations_for_need(
    need: NeedDoc,
    need_vector,
    need_terms: TermVector,
    organisations: OrgIndex,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int | None = 20,
    only_partner_kinds: bool = False,
    exclude: Collection[str] = (),
) -> list[Match]:
    """The organisations that fit the need best, best first. Never the need's own
    organisation; with ``only_partner_kinds`` only kinds the need asks for (a need that
    asks for none accepts every kind); ``exclude`` drops further keys (opted out)."""
    orgs = organisations
    if not orgs.docs:
        return []
    need_vector = np.asarray(need_vector, dtype=np.float32)
    low, high = need.trl_range
    kinds = _KINDS.mask(need.partner_kinds)
    topics = _TOPICS.mask(need.topics)
    parts = {
        "embedding": orgs.vectors @ need_vector,
        "topics": _popcount(orgs.topic_bits & topics) / max(1, int(topics).bit_count()),
        "cooperation": _any_shared(
            np.int64(_COOPERATION.mask(need.cooperation_types)), orgs.cooperation_bits
        ),
        "trl": _trl_fit(np.float32(low), np.float32(high), orgs.trl_low, orgs.trl_high),
        "kind": _any_shared(np.int64(kinds), orgs.kind_bits),
    }
    keep = orgs.ids != _owner_ids([need.organisation])[0]
    if only_partner_kinds:
        keep &= parts["kind"] > 0
    if exclude:
        keep &= ~np.isin(orgs.keys, list(exclude))
    return _finish(
        _combine(parts, weights),
        keep,
        parts,
        lambda row: cosine(need_terms, orgs.terms[row]),
        orgs.keys,
        weights,
        limit,
    )


def rank_needs_for_organisation(
    organisation: OrgDoc,
    organisation_vector,
    organisation_terms: TermVector,
    needs: NeedIndex,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int | None = 20,
    only_partner_kinds: bool = False,
    exclude: Collection[str] = (),
) -> list[Match]:
    """The needs that fit the organisation best, best first, with the same score as the
    other direction. Never the organisation's own needs; with ``only_partner_kinds`` only
    needs that ask for its kind; ``exclude`` drops further need keys."""
    if not needs.docs:
        return []
    organisation_vector = np.asarray(organisation_vector, dtype=np.float32)
    low, high = organisation.trl_range
    topics = np.int64(_TOPICS.mask(organisation.topics))
    kind = np.int64(_KINDS.mask((organisation.kind,)))
    parts = {
        "embedding": needs.vectors @ organisation_vector,
        "topics": _popcount(needs.topic_bits & topics) / needs.topic_counts,
        "cooperation": _any_shared(
            needs.cooperation_bits, np.int64(_COOPERATION.mask(organisation.cooperation_types))
        ),
        "trl": _trl_fit(needs.trl_low, needs.trl_high, np.float32(low), np.float32(high)),
        "kind": _any_shared(needs.partner_kind_bits, kind),
    }
    keep = needs.owners != _owner_ids([organisation.key])[0]
    if only_partner_kinds:
        keep &= parts["kind"] > 0
    if exclude:
        keep &= ~np.isin(needs.keys, list(exclude))
    return _finish(
        _combine(parts, weights),
        keep,
        parts,
        lambda row: cosine(organisation_terms, needs.terms[row]),
        needs.keys,
        weights,
        limit,
    )
