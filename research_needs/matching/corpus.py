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
A rebuild reuses the previous corpus's vectors and word ids for rows whose
``updated_at`` did not change (bench/bench_matching.py prints both build times).
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
HEAVY_BY_ID = 2000
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
class _Part:
    """The heavy columns of one side's rows (vectors, word ids and counts, sentences),
    kept between builds: a rebuild reads them again only for rows whose ``stamp`` (the
    row's ``updated_at``) changed, so a saved need costs a light query, not 100,000 rows
    of vectors and JSON."""

    pks: list[int]
    stamps: list
    vectors: np.ndarray
    indptr: np.ndarray
    ids: np.ndarray
    counts: np.ndarray
    sentences: list = field(default_factory=list)
    sentence_vectors: list = field(default_factory=list)

    def __post_init__(self):
        self.row_of = {pk: i for i, pk in enumerate(self.pks)}


def _word_ids(words: dict, vocabulary: dict[str, int]) -> list[int]:
    return [vocabulary.setdefault(w, len(vocabulary)) for w in words]


def _gather(
    previous: _Part | None,
    pks: list[int],
    stamps: list,
    load,
    vocabulary: dict[str, int],
    *,
    sentences: bool,
) -> _Part:
    """This build's rows: those unchanged since ``previous`` copied from it, the others
    read by ``load(pks) -> {pk: (embedding, word_counts[, sentences, sentence_vectors])}``
    (a row deleted between the two queries is left out)."""
    old = [previous.row_of.get(pk) if previous is not None else None for pk in pks]
    reusable = [
        j is not None and previous.stamps[j] == stamp for j, stamp in zip(old, stamps, strict=True)
    ]
    heavy = load([pk for pk, reuse in zip(pks, reusable, strict=True) if not reuse])
    keep = [i for i, pk in enumerate(pks) if reusable[i] or pk in heavy]
    pks, stamps = [pks[i] for i in keep], [stamps[i] for i in keep]
    old, reusable = [old[i] for i in keep], [reusable[i] for i in keep]
    n = len(pks)
    reuse_dst = np.asarray([i for i in range(n) if reusable[i]], dtype=np.int64)
    reuse_src = np.asarray([old[i] for i in reuse_dst], dtype=np.int64)
    missing = [i for i in range(n) if not reusable[i]]

    vectors = np.zeros((n, embeddings.DIMENSIONS), dtype=np.float32)
    lengths = np.zeros(n, dtype=np.int64)
    if reuse_dst.size:
        vectors[reuse_dst] = previous.vectors[reuse_src]
        lengths[reuse_dst] = np.diff(previous.indptr)[reuse_src]
    new_words = {}
    for i in missing:
        row = heavy[pks[i]]
        vectors[i] = embeddings.from_bytes(bytes(row[0]))
        words = row[1] or {}
        new_words[i] = (_word_ids(words, vocabulary), list(words.values()))
        lengths[i] = len(words)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    ids = np.zeros(int(indptr[-1]), dtype=np.int32)
    counts = np.zeros(int(indptr[-1]), dtype=np.float32)
    if reuse_dst.size:
        # Copy every reused row's slice at once: positions within each slice, offset by
        # where the slice starts in the old and the new arrays.
        lens = lengths[reuse_dst]
        offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        src = np.repeat(previous.indptr[reuse_src], lens) + offsets
        dst = np.repeat(indptr[reuse_dst], lens) + offsets
        ids[dst] = previous.ids[src]
        counts[dst] = previous.counts[src]
    for i, (word_ids, values) in new_words.items():
        ids[indptr[i] : indptr[i + 1]] = word_ids
        counts[indptr[i] : indptr[i + 1]] = values
    part = _Part(pks, stamps, vectors, indptr, ids, counts)
    if sentences:
        part.sentences = [None] * n
        part.sentence_vectors = [None] * n
        for i, j in zip(reuse_dst.tolist(), reuse_src.tolist(), strict=True):
            part.sentences[i] = previous.sentences[j]
            part.sentence_vectors[i] = previous.sentence_vectors[j]
        for i in missing:
            group, blob = heavy[pks[i]][2], heavy[pks[i]][3]
            part.sentences[i] = list(group)
            part.sentence_vectors[i] = (
                embeddings.from_bytes(bytes(blob)).reshape(len(group), embeddings.DIMENSIONS)
                if group
                else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
            )
    return part


def _term_rows(part: _Part, idf: np.ndarray) -> TermRows:
    """``Lexicon.vector`` for every document at once: count times idf, divided by the norm."""
    indptr, ids = part.indptr, part.ids
    weights = part.counts.astype(np.float64) * idf[ids]
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=len(indptr) - 1))
    norms[norms == 0] = 1.0
    return TermRows(indptr, ids, weights / norms[rows])


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
    org_part: _Part | None = None
    need_part: _Part | None = None

    def terms(self, counts: dict[str, int]) -> TermVector:
        """The TF-IDF vector of a document outside the corpus (a draft need, an
        organisation that is not recommended), on the corpus's word ids; words no
        indexed document has keep their text and can match nothing."""
        return self.lexicon.vector({self.vocabulary.get(w, w): n for w, n in counts.items()})


def _topics(through, owner: str, **where) -> dict[int, list[str]]:
    """Topic slugs by owner (in no particular order: the engine makes sets of them) for
    the owners ``where`` selects, by a join rather than a list of 100,000 ids, which
    Django would turn into parameters one by one."""
    from members.models import Topic

    slugs = dict(Topic.objects.values_list("pk", "slug"))
    result: dict[int, list[str]] = {}
    for pk, topic_id in through.objects.filter(**where).values_list(owner, "topic_id"):
        result.setdefault(pk, []).append(slugs[topic_id])
    return result


def _heavy(model, owner: str, columns: tuple[str, ...], pks: list[int], **where) -> dict:
    """{pk: (columns…)} of the current rows among ``pks``: by id when they are few, else
    by the same condition as the light query (a cold build reads every row)."""
    rows = model.objects.filter(model_version=embeddings.MODEL_VERSION)
    rows = rows.filter(**{f"{owner}__in": pks}) if len(pks) <= HEAVY_BY_ID else rows.filter(**where)
    wanted = set(pks)
    return {pk: rest for pk, *rest in rows.values_list(owner, *columns) if pk in wanted}


def build(generation=None, previous: Corpus | None = None) -> Corpus:
    """Reads every rankable row and builds the indexes: one light query per side (codes
    and the rows' ``updated_at``) plus topics, and the vectors and word counts only of
    rows that are new or changed since ``previous`` (all of them without one). Texts are
    not loaded: the engine ranks on vectors, word counts and codes, and the records here
    carry only what ranking and the reasons read."""
    from members.models import Organisation
    from research_needs.models import Need, NeedVector, OrganisationVector

    started = time.perf_counter()
    version = embeddings.MODEL_VERSION
    vocabulary: dict[str, int] = dict(previous.vocabulary) if previous is not None else {}

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
            "match_vector__updated_at",
        )
    )
    org_part = _gather(
        previous.org_part if previous is not None else None,
        [r[0] for r in org_rows],
        [r[6] for r in org_rows],
        lambda pks: _heavy(
            OrganisationVector,
            "organisation_id",
            ("embedding", "word_counts", "sentences", "sentence_vectors"),
            pks,
            organisation__status=Organisation.Status.APPROVED,
        ),
        vocabulary,
        sentences=True,
    )
    org_rows = [r for r in org_rows if r[0] in org_part.row_of]
    org_topics = _topics(
        Organisation.topics.through,
        "organisation_id",
        organisation__status=Organisation.Status.APPROVED,
    )
    org_docs = [
        OrgDoc(
            key=str(pk),
            kind=kind,
            topics=tuple(org_topics.get(pk, ())),
            cooperation_types=tuple(cooperation or ()),
            trl_min=trl_min or 1,
            trl_max=trl_max or 9,
            languages=tuple(languages or ("de",)),
        )
        for pk, kind, cooperation, trl_min, trl_max, languages, _stamp in org_rows
    ]

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
            "match_vector__updated_at",
        )
    )
    need_part = _gather(
        previous.need_part if previous is not None else None,
        [r[0] for r in need_rows],
        [r[7] for r in need_rows],
        lambda pks: _heavy(
            NeedVector,
            "need_id",
            ("embedding", "word_counts"),
            pks,
            need__status=Need.Status.PUBLISHED,
        ),
        vocabulary,
        sentences=False,
    )
    need_rows = [r for r in need_rows if r[0] in need_part.row_of]
    need_topics = _topics(Need.topics.through, "need_id", need__status=Need.Status.PUBLISHED)
    need_docs = [
        NeedDoc(
            key=str(pk),
            organisation=str(org),
            language=language,
            topics=tuple(need_topics.get(pk, ())),
            trl_now=now,
            trl_target=target,
            cooperation_types=tuple(cooperation or ()),
            partner_kinds=tuple(kinds or ()),
        )
        for pk, org, language, now, target, cooperation, kinds, _stamp in need_rows
    ]

    # Document frequencies over every indexed document (each document's ids are distinct).
    frequencies = np.bincount(
        np.concatenate([need_part.ids, org_part.ids]).astype(np.int64),
        minlength=len(vocabulary),
    )
    lexicon = Lexicon(
        {i: f for i, f in enumerate(frequencies.tolist()) if f}, len(need_docs) + len(org_docs)
    )
    idf = np.full(len(vocabulary), lexicon.unseen_idf, dtype=np.float64)
    for i, value in lexicon.idf.items():
        idf[i] = value
    need_terms = _term_rows(need_part, idf)
    org_terms = _term_rows(org_part, idf)

    return Corpus(
        generation=generation,
        org_index=OrgIndex(
            org_docs,
            org_part.vectors,
            org_terms,
            sentences=org_part.sentences,
            sentence_vectors=org_part.sentence_vectors,
        ),
        need_index=NeedIndex(need_docs, need_part.vectors, need_terms),
        lexicon=lexicon,
        vocabulary=vocabulary,
        need_terms=need_terms,
        org_terms=org_terms,
        built_at=time.monotonic(),
        seconds=time.perf_counter() - started,
        org_part=org_part,
        need_part=need_part,
    )


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
        # Reuse the previous corpus's vectors for rows that did not change (same database).
        previous = corpus if corpus is not None and corpus.generation[0] == key[0] else None
        corpus = build(key, previous)
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
