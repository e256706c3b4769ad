"""Full-text similarity: TF-IDF cosine over stemmed content words (text.stem_texts).

Chosen by measurement on dev.json, alone (need → organisation / organisation → need
nDCG@10): raw term frequency 0.643 / 0.729, sublinear (1 + log tf) 0.614 / 0.705, a BM25
over the same tokens 0.557 / 0.613, no stemming (PostgreSQL's ``simple``) 0.605 / 0.687.
Profiles and needs are both long texts, and a symmetric, length-normalised cosine suits
document-to-document matching better than a query model made for short queries. It is
also the "full-text only" baseline that ``matching_eval`` prints.

The document frequencies come from the corpus the engine ranks (every open need and every
profile); the later pages keep them next to the stored term vectors and refresh them with
the embeddings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

TermVector = dict[str, float]


class Lexicon:
    """Inverse document frequencies of stemmed words."""

    def __init__(self, document_frequencies: Mapping[str, int], documents: int):
        self.documents = max(documents, 1)
        self.idf = {
            term: math.log((self.documents + 1) / (count + 0.5))
            for term, count in document_frequencies.items()
        }
        # A word no document of the corpus had is as rare as can be.
        self.unseen_idf = math.log((self.documents + 1) / 0.5)

    @classmethod
    def from_documents(cls, documents: Iterable[Counter]) -> Lexicon:
        frequencies: Counter = Counter()
        count = 0
        for document in documents:
            frequencies.update(set(document))
            count += 1
        return cls(frequencies, count)

    def vector(self, counts: Mapping[str, int]) -> TermVector:
        """Unit-length TF-IDF vector."""
        weights = {
            term: n * self.idf.get(term, self.unseen_idf) for term, n in counts.items() if n > 0
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {term: w / norm for term, w in weights.items()}


def cosine(a: TermVector, b: TermVector) -> float:
    # The key views intersect in C; only the few shared words reach Python.
    return sum(a[term] * b[term] for term in a.keys() & b.keys())
