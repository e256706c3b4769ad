"""The engine's indexes built from the stored rows, cached per process until a row changes.

One ``Corpus`` holds what every recommendation ranks against:

- ``org_index``: approved organisations that have a current ``OrganisationVector`` and
  have not opted out (``CompetenceProfile.recommend``), with their profile sentences and
  sentence embeddings for the reasons;
- ``need_index``: published needs with a current ``NeedVector`` (who may see which of
  them is decided per reader by the selector, with research_needs.selectors);
- a ``lexical.Lexicon`` over the stored word counts of both, and their TF-IDF vectors.

Ranking runs in numpy over these arrays (engine.OrgIndex / NeedIndex), so no vector type
or operator of the database is used: Debian's PostgreSQL 15 without pgvector and the
embedded PostgreSQL 18 run the same code. A row computed with another model version
(``embeddings.MODEL_VERSION``) is left out until it is recomputed.

Invalidation: a generation number in Django's cache (Redis in production, one key per
database), bumped by the signal receivers of research_needs.signals (needs, organisations,
profiles, topics) and by every write of research_needs.matching.store, now and again once
the transaction commits. Each call reads it (one cache round trip) and rebuilds the corpus
when it moved. A cache that cannot be reached falls back to rebuilding at most every
``FALLBACK_SECONDS``.

Words are kept as integer ids (``vocabulary``) in one CSR-like array per index rather than
one dict per document, so 100,000 needs cost tens of megabytes, not a gigabyte; term
vectors are made on demand for the few hundred candidates the engine scores lexically.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction

from . import embeddings
from .documents import NeedDoc, OrgDoc
from .engine import NeedIndex, OrgIndex
from .lexical import Lexicon, TermVector

logger = logging.getLogger(__name__)

FALLBACK_SECONDS = 60
_KEY_PREFIX = "research_needs:matching:generation"


def _generation_key() -> str:
    return f"{_KEY_PREFIX}:{connection.settings_dict['NAME']}"


def _fresh_generation() -> int:
    # Time-based, so a generation lost with an evicted or flushed key is never reused.
    return time.time_ns() // 1000


def _bump() -> None:
    key = _generation_key()
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet (or evicted): start a new one
            cache.set(key, _fresh_generation(), None)
    except Exception:  # the cache is down: processes fall back to FALLBACK_SECONDS
        logger.warning("Could not invalidate the matching indexes.", exc_info=True)


def bump(**_kwargs) -> None:
    """Signal receiver and hook of the store: every process rebuilds its corpus on its
    next call, now and once the transaction commits (so a process that rebuilt from the
    old rows meanwhile does not keep them)."""
    _bump()
    transaction.on_commit(_bump)


def current_generation() -> int | None:
    key = _generation_key()
    try:
        value = cache.get(key)
        if value is None:
            cache.add(key, _fresh_generation(), None)
            value = cache.get(key)
        return value
    except Exception:
        logger.warning("Could not read the matching generation.", exc_info=True)
        return None


class TermRows(Sequence):
    """Unit-length TF-IDF vectors of many documents, made on demand from one array of
    word ids and one of weights (``indptr`` marks where each document starts)."""

    def __init__(self, indptr: np.ndarray, ids: np.ndarray, weights: np.ndarray):
        self.indptr, self.ids, self.weights = indptr, ids, weights

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, row: int) -> TermVector:
        start, end = self.indptr[row], self.indptr[row + 1]
        return dict(
            zip(self.ids[start:end].tolist(), self.weights[start:end].tolist(), strict=True)
        )


@dataclass
class _Counts:
    """Word counts of many documents as word ids, before the lexicon is known."""

    indptr: list[int] = field(default_factory=lambda: [0])
    ids: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    def add(self, words: dict, vocabulary: dict[str, int]) -> None:
        for word, count in words.items():
            self.ids.append(vocabulary.setdefault(word, len(vocabulary)))
            self.counts.append(count)
        self.indptr.append(len(self.ids))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(self.indptr, dtype=np.int64),
            np.asarray(self.ids, dtype=np.int32),
            np.asarray(self.counts, dtype=np.float32),
        )


def _term_rows(counts: _Counts, idf: np.ndarray) -> TermRows:
    """``Lexicon.vector`` for every document at once: count times idf, divided by the norm."""
    indptr, ids, values = counts.arrays()
    weights = values.astype(np.float64) * idf[ids]
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=len(indptr) - 1))
    norms[norms == 0] = 1.0
    return TermRows(indptr, ids, weights / norms[rows])


def _matrix(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    return embeddings.from_bytes(b"".join(bytes(b) for b in blobs)).reshape(
        len(blobs), embeddings.DIMENSIONS
    )


@dataclass
class Corpus:
    generation: tuple
    org_index: OrgIndex
    need_index: NeedIndex
    lexicon: Lexicon
    vocabulary: dict[str, int]
    need_terms: TermRows
    org_terms: TermRows
    built_at: float
    seconds: float

    def terms(self, counts: dict[str, int]) -> TermVector:
        """The TF-IDF vector of a document outside the corpus (a draft need, an
        organisation that is not recommended), on the corpus's word ids; words no
        indexed document has keep their text and can match nothing."""
        return self.lexicon.vector({self.vocabulary.get(w, w): n for w, n in counts.items()})


def _topics(through, owner: str, ids) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    rows = through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, "topic__slug")
    for pk, slug in rows.order_by(owner, "topic__position", "topic__slug"):
        result.setdefault(pk, []).append(slug)
    return result


def build(generation=None) -> Corpus:
    """Reads every rankable row (two queries per side, plus topics) and builds the
    indexes. Texts are not loaded: the engine ranks on vectors, word counts and codes."""
    from members.models import Organisation
    from research_needs.models import Need

    started = time.perf_counter()
    version = embeddings.MODEL_VERSION
    vocabulary: dict[str, int] = {}

    org_rows = list(
        Organisation.objects.filter(
            status=Organisation.Status.APPROVED, match_vector__model_version=version
        )
        .exclude(competence_profile__recommend=False)
        .order_by("pk")
        .values_list(
            "pk",
            "kind",
            "competence_profile__cooperation_types",
            "competence_profile__trl_min",
            "competence_profile__trl_max",
            "competence_profile__languages",
            "match_vector__embedding",
            "match_vector__word_counts",
            "match_vector__sentences",
            "match_vector__sentence_vectors",
        )
    )
    org_topics = _topics(Organisation.topics.through, "organisation_id", [r[0] for r in org_rows])
    org_docs, org_counts, sentences, sentence_vectors = [], _Counts(), [], []
    for pk, kind, cooperation, trl_min, trl_max, languages, _e, words, group, blob in org_rows:
        org_docs.append(
            OrgDoc(
                key=str(pk),
                kind=kind,
                topics=tuple(org_topics.get(pk, ())),
                cooperation_types=tuple(cooperation or ()),
                trl_min=trl_min or 1,
                trl_max=trl_max or 9,
                languages=tuple(languages or ("de",)),
            )
        )
        org_counts.add(words, vocabulary)
        sentences.append(list(group))
        sentence_vectors.append(
            embeddings.from_bytes(bytes(blob)).reshape(len(group), embeddings.DIMENSIONS)
            if group
            else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        )

    need_rows = list(
        Need.objects.filter(status=Need.Status.PUBLISHED, match_vector__model_version=version)
        .order_by("pk")
        .values_list(
            "pk",
            "organisation_id",
            "language",
            "trl_now",
            "trl_target",
            "cooperation_types",
            "partner_kinds",
            "challenge_types",
            "budget_band",
            "match_vector__embedding",
            "match_vector__word_counts",
        )
    )
    need_topics = _topics(Need.topics.through, "need_id", [r[0] for r in need_rows])
    need_docs, need_counts = [], _Counts()
    for (
        pk,
        org,
        language,
        now,
        target,
        cooperation,
        kinds,
        challenges,
        budget,
        _e,
        words,
    ) in need_rows:
        need_docs.append(
            NeedDoc(
                key=str(pk),
                organisation=str(org),
                language=language,
                challenge_types=tuple(challenges or ()),
                topics=tuple(need_topics.get(pk, ())),
                trl_now=now,
                trl_target=target,
                cooperation_types=tuple(cooperation or ()),
                partner_kinds=tuple(kinds or ()),
                budget_band=budget,
            )
        )
        need_counts.add(words, vocabulary)

    # Document frequencies over every indexed document (each document's ids are distinct).
    all_ids = np.concatenate(
        [np.asarray(need_counts.ids, dtype=np.int64), np.asarray(org_counts.ids, dtype=np.int64)]
    )
    frequencies = np.bincount(all_ids, minlength=len(vocabulary)) if all_ids.size else np.zeros(0)
    lexicon = Lexicon(dict(enumerate(frequencies.tolist())), len(need_docs) + len(org_docs))
    idf = np.array([lexicon.idf[i] for i in range(len(vocabulary))], dtype=np.float64)
    need_terms = _term_rows(need_counts, idf)
    org_terms = _term_rows(org_counts, idf)

    corpus = Corpus(
        generation=generation,
        org_index=OrgIndex(
            org_docs,
            _matrix([r[6] for r in org_rows]),
            org_terms,
            sentences=sentences,
            sentence_vectors=sentence_vectors,
        ),
        need_index=NeedIndex(need_docs, _matrix([r[9] for r in need_rows]), need_terms),
        lexicon=lexicon,
        vocabulary=vocabulary,
        need_terms=need_terms,
        org_terms=org_terms,
        built_at=time.monotonic(),
        seconds=time.perf_counter() - started,
    )
    return corpus


_state: dict = {"corpus": None}
_lock = threading.Lock()


def current() -> Corpus:
    """The corpus of this process, rebuilt when the generation moved (or, without a
    reachable cache, when it is older than FALLBACK_SECONDS)."""
    generation = current_generation()
    key = (connection.settings_dict["NAME"], generation)
    corpus = _state["corpus"]
    if corpus is not None and _fresh(corpus, key):
        return corpus
    with _lock:
        corpus = _state["corpus"]
        if corpus is not None and _fresh(corpus, key):
            return corpus
        corpus = build(key)
        _state["corpus"] = corpus
        return corpus


def _fresh(corpus: Corpus, key) -> bool:
    if key[1] is None:
        return corpus.generation[0] == key[0] and (
            time.monotonic() - corpus.built_at < FALLBACK_SECONDS
        )
    return corpus.generation == key


def forget() -> None:
    """Drops this process's corpus (tests, and ``matching_eval`` between databases)."""
    _state["corpus"] = None
