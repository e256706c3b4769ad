"""Evaluation on a labelled data set in the format of shared/matching/dev.json.

``evaluate_rankings`` computes the README's metrics overall, by language and on
low-overlap pairs for rankings made either way:

- through the stored rows and the pages' selectors (research_needs.matching.stored), as
  ``manage.py matching_eval`` does;
- in memory (``prepare`` stems and embeds the records, ``rank_all`` calls the engine),
  fast enough for ``tune_weights``/``cross_validate`` to set and check the weights
  (bench/matching_tune.py prints them for dev.json). Both paths give the same rankings
  when ``rank_all`` filters partner kinds as the pages do (tests/research_needs).

Definitions (also printed by ``matching_eval``):

- A pair has *low overlap* when the Jaccard index of the stemmed content words of the
  need's title, summary and description and of the organisation's description and
  competences is below ``LOW_OVERLAP`` (0.025). The low-overlap figures take every query
  with at least one relevant (grade ≥ 2) low-overlap pair, remove its other labelled
  items (grade ≥ 1, overlap at or above the threshold) from its ranking and grades, and
  score what remains: how well the engine finds partners that share few words, without
  credit for those that share many.
- *By language* is the need's language: need → organisation groups the needs; for
  organisation → need each organisation's ranking is cut to the needs of that language.
- Metric means are over the queries with at least one relevant item (metrics.evaluate).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from . import embeddings
from .documents import NeedDoc, OrgDoc
from .engine import (
    DEFAULT_WEIGHTS,
    FEATURES,
    NeedIndex,
    OrgIndex,
    Weights,
    rank_needs_for_organisation,
    rank_organisations_for_need,
)
from .lexical import Lexicon
from .metrics import evaluate
from .text import guess_language, jaccard, stem_texts

LOW_OVERLAP = 0.025
TOP = 20
NEUTRAL_START = Weights(embedding=1.0, lexical=0.2, topics=0.2, cooperation=0.2, trl=0.2, kind=0.2)


@dataclass
class Dataset:
    needs: list[NeedDoc]
    organisations: list[OrgDoc]
    labels: list[dict] | None

    @classmethod
    def load(cls, path: str | Path) -> Dataset:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_json(cls, data: dict) -> Dataset:
        if not isinstance(data, dict) or "needs" not in data or "organisations" not in data:
            raise ValueError("a data set needs 'needs' and 'organisations'")
        labels = data.get("labels")
        return cls(
            needs=[NeedDoc.from_dict(n) for n in data["needs"]],
            organisations=[OrgDoc.from_dict(o) for o in data["organisations"]],
            labels=None
            if labels is None
            else [
                {
                    "need": str(x["need"]),
                    "organisation": str(x["organisation"]),
                    "grade": int(x["grade"]),
                }
                for x in labels
            ],
        )


@dataclass
class Overlap:
    """The data set with the word sets that define low overlap: what the metrics need
    besides the rankings (research_needs.matching.stored.overlap_words makes one)."""

    dataset: Dataset
    need_overlap_words: dict[str, set[str]]
    org_overlap_words: dict[str, set[str]]


@dataclass
class Prepared(Overlap):
    """The data set's records in memory with what the engine needs: embeddings, term
    vectors and profile sentences, for tuning the weights (bench/matching_tune.py), which
    ranks thousands of times; ``matching_eval`` ranks through the stored rows instead."""

    need_index: NeedIndex | None = None
    org_index: OrgIndex | None = None


def prepare(dataset: Dataset, *, cursor) -> Prepared:
    """Stems every text in PostgreSQL (``cursor``: any DB-API cursor; nothing is written)
    and embeds every record with the bundled model."""
    needs, orgs = dataset.needs, dataset.organisations
    need_languages = [n.language if n.language in ("de", "en") else "de" for n in needs]
    org_languages = [guess_language(o.lexical_text()) for o in orgs]
    stems = stem_texts(
        [n.lexical_text() for n in needs]
        + [o.lexical_text() for o in orgs]
        + [n.overlap_text() for n in needs]
        + [o.overlap_text() for o in orgs],
        need_languages + org_languages + need_languages + org_languages,
        cursor=cursor,
    )
    n, m = len(needs), len(orgs)
    need_counts, org_counts = stems[:n], stems[n : n + m]
    lexicon = Lexicon.from_documents(need_counts + org_counts)
    sentences = [embeddings.profile_sentences(o) for o in orgs]
    flat = [s for group in sentences for s in group]
    flat_vectors = embeddings.embed_sentences(flat)
    sentence_vectors, start = [], 0
    for group in sentences:
        sentence_vectors.append(flat_vectors[start : start + len(group)])
        start += len(group)
    return Prepared(
        dataset=dataset,
        need_index=NeedIndex(
            needs, embeddings.embed_needs(needs), [lexicon.vector(c) for c in need_counts]
        ),
        org_index=OrgIndex(
            orgs,
            embeddings.embed_organisations(orgs),
            [lexicon.vector(c) for c in org_counts],
            sentences=sentences,
            sentence_vectors=sentence_vectors,
        ),
        need_overlap_words={
            need.key: set(c) for need, c in zip(needs, stems[n + m : 2 * n + m], strict=True)
        },
        org_overlap_words={
            org.key: set(c) for org, c in zip(orgs, stems[2 * n + m :], strict=True)
        },
    )


def rank_all(
    prepared: Prepared,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    limit: int | None = TOP,
    only_partner_kinds: bool = False,
) -> dict[str, dict[str, list[str]]]:
    """{"needs": {need: [organisation, …]}, "organisations": {organisation: [need, …]}},
    best first, with the engine's functions in memory. Every need of a data set counts as
    open; partner kinds are a feature here, not a filter, so each list is full, unless
    ``only_partner_kinds`` (as the pages rank: research_needs.matching.selectors)."""
    needs, orgs = prepared.need_index, prepared.org_index
    result: dict[str, dict[str, list[str]]] = {"needs": {}, "organisations": {}}
    for row, need in enumerate(needs.docs):
        matches = rank_organisations_for_need(
            need,
            needs.vectors[row],
            needs.terms[row],
            orgs,
            weights=weights,
            limit=limit,
            only_partner_kinds=only_partner_kinds,
        )
        result["needs"][need.key] = [m.key for m in matches]
    for row, org in enumerate(orgs.docs):
        matches = rank_needs_for_organisation(
            org,
            orgs.vectors[row],
            orgs.terms[row],
            needs,
            weights=weights,
            limit=limit,
            only_partner_kinds=only_partner_kinds,
        )
        result["organisations"][org.key] = [m.key for m in matches]
    return result


def grades_by_query(labels: list[dict]) -> tuple[dict, dict]:
    by_need: dict[str, dict[str, int]] = defaultdict(dict)
    by_org: dict[str, dict[str, int]] = defaultdict(dict)
    for label in labels:
        by_need[label["need"]][label["organisation"]] = label["grade"]
        by_org[label["organisation"]][label["need"]] = label["grade"]
    return by_need, by_org


def overlap(prepared: Overlap, need_key: str, org_key: str) -> float:
    return jaccard(prepared.need_overlap_words[need_key], prepared.org_overlap_words[org_key])


def _restricted(rankings, grades, keep_item) -> tuple[dict, dict]:
    """Rankings and grades cut to the items ``keep_item(query, item)`` accepts."""
    cut_rankings = {q: [i for i in r if keep_item(q, i)] for q, r in rankings.items()}
    cut_grades = {q: {i: g for i, g in gs.items() if keep_item(q, i)} for q, gs in grades.items()}
    return cut_rankings, cut_grades


def _low_overlap(prepared, rankings, grades, pair) -> dict:
    def is_low(q, i):
        return overlap(prepared, *pair(q, i)) < LOW_OVERLAP

    queries = {q for q, gs in grades.items() if any(g >= 2 and is_low(q, i) for i, g in gs.items())}

    def keep(q, i):
        return grades.get(q, {}).get(i, 0) == 0 or is_low(q, i)

    cut_rankings, cut_grades = _restricted(
        {q: r for q, r in rankings.items() if q in queries}, grades, keep
    )
    return evaluate(cut_rankings, cut_grades)


def evaluate_rankings(
    prepared: Overlap, rankings: dict[str, dict[str, list[str]]], labels: list[dict]
) -> dict[str, dict[str, dict]]:
    """{"need→organisation": {"overall"|"de"|"en"|…|"low overlap": metrics}, and the same
    for "organisation→need"}."""
    by_need, by_org = grades_by_query(labels)
    language = {n.key: n.language for n in prepared.dataset.needs}
    languages = sorted(set(language.values()))
    n2o, o2n = rankings["needs"], rankings["organisations"]
    forward = {"overall": evaluate(n2o, by_need)}
    backward = {"overall": evaluate(o2n, by_org)}
    for lang in languages:
        forward[lang] = evaluate({q: r for q, r in n2o.items() if language[q] == lang}, by_need)
        backward[lang] = evaluate(
            *_restricted(o2n, by_org, lambda _q, i, lang=lang: language.get(i) == lang)
        )
    forward["low overlap"] = _low_overlap(prepared, n2o, by_need, lambda q, i: (q, i))
    backward["low overlap"] = _low_overlap(prepared, o2n, by_org, lambda q, i: (i, q))
    return {"need→organisation": forward, "organisation→need": backward}


# Tuning (bench/matching_tune.py) -------------------------------------------------------


def _needs_only(rankings, needs: set[str] | None):
    """Rankings with need → organisation kept for ``needs`` and organisation → need cut
    to ``needs`` (None: all)."""
    if needs is None:
        return rankings
    return {
        "needs": {k: v for k, v in rankings["needs"].items() if k in needs},
        "organisations": {
            k: [n for n in v if n in needs] for k, v in rankings["organisations"].items()
        },
    }


def _objective(prepared, weights, labels, needs: set[str] | None = None) -> float:
    """Mean nDCG@10 of both directions on ``labels``, over the ``needs`` only."""
    rankings = _needs_only(rank_all(prepared, weights, limit=None), needs)
    result = evaluate_rankings(prepared, rankings, labels)
    return (
        result["need→organisation"]["overall"]["nDCG@10"]
        + result["organisation→need"]["overall"]["nDCG@10"]
    ) / 2


def tune_weights(
    prepared: Prepared,
    labels: list[dict],
    *,
    needs: set[str] | None = None,
    start: Weights = DEFAULT_WEIGHTS,
    steps=(0.2, 0.1, 0.05, 0.02),
    fixed: tuple[str, ...] = ("embedding",),
) -> tuple[Weights, float]:
    """Coordinate ascent on the mean nDCG@10 of both directions; weights stay ≥ 0 and the
    ``fixed`` ones keep their value (the scale of a linear score is arbitrary)."""
    best_weights, best = start, _objective(prepared, start, labels, needs)
    for step in steps:
        improved = True
        while improved:
            improved = False
            for name in FEATURES:
                if name in fixed:
                    continue
                for delta in (step, -step):
                    value = round(max(0.0, getattr(best_weights, name) + delta), 4)
                    candidate = replace(best_weights, **{name: value})
                    score = _objective(prepared, candidate, labels, needs)
                    if score > best + 1e-9:
                        best_weights, best, improved = candidate, score, True
    return best_weights, best


def cross_validate(
    prepared: Prepared,
    labels: list[dict],
    *,
    reference: Weights = DEFAULT_WEIGHTS,
    start: Weights = NEUTRAL_START,
    fixed: tuple[str, ...] = ("embedding",),
    folds: int = 2,
    repeats: int = 5,
    seed: int = 1,
) -> dict:
    """Leave-some-needs-out: the needs are split into ``folds`` groups; weights are tuned
    on the other groups (their labels, their needs), then the held-out needs are ranked
    (need → organisation) and each organisation's ranking is cut to the held-out needs
    (organisation → need). The same held-out cuts are scored with the ``reference``
    weights (tuned on everything), so "in-sample" and "cross-validated" differ only in
    the weights. Each fold's tuning starts from ``start`` (by default every feature at
    0.2), not from the reference, which was set with all labels. Returns both, pooled
    over folds, and each fold's weights."""
    need_keys = sorted(n.key for n in prepared.dataset.needs)
    rng = random.Random(seed)  # noqa: S311 - reproducible folds, not a secret
    cv, in_sample, fold_weights = [], [], []
    reference_rankings = rank_all(prepared, reference, limit=None)
    for _repeat in range(repeats):
        shuffled = need_keys[:]
        rng.shuffle(shuffled)
        for fold in range(folds):
            held_out = set(shuffled[fold::folds])
            train_needs = set(need_keys) - held_out
            train = [x for x in labels if x["need"] in train_needs]
            test = [x for x in labels if x["need"] in held_out]
            weights, _ = tune_weights(prepared, train, needs=train_needs, start=start, fixed=fixed)
            fold_weights.append(weights)
            rankings = _needs_only(rank_all(prepared, weights, limit=None), held_out)
            cv.append(evaluate_rankings(prepared, rankings, test))
            in_sample.append(
                evaluate_rankings(prepared, _needs_only(reference_rankings, held_out), test)
            )
    return {"cross-validated": _pool(cv), "in-sample": _pool(in_sample), "weights": fold_weights}


def _pool(results: list[dict]) -> dict:
    """Query-weighted means over folds, per direction, group and metric."""
    pooled: dict = {}
    for direction in results[0]:
        pooled[direction] = {}
        for group in results[0][direction]:
            rows = [r[direction][group] for r in results if r[direction][group]["queries"]]
            total = sum(r["queries"] for r in rows)
            entry = {"queries": total}
            for metric in ("nDCG@10", "P@5", "R@10", "MRR"):
                entry[metric] = (
                    sum(r[metric] * r["queries"] for r in rows) / total if total else float("nan")
                )
            pooled[direction][group] = entry
    return pooled
