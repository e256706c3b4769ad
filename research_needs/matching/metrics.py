"""Ranking metrics of the data sets' README: nDCG@10 with gain 2^grade - 1, P@5 and R@10
(grade ≥ 2 is relevant), MRR (first grade ≥ 2). Each takes one query's ranking (keys, best
first) and its grades (key → grade; missing keys are grade 0)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

RELEVANT = 2


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(key, 0) for key in ranking[:k]]) / ideal


def precision_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 5) -> float:
    return sum(grades.get(key, 0) >= RELEVANT for key in ranking[:k]) / k


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    relevant = sum(g >= RELEVANT for g in grades.values())
    if not relevant:
        return 0.0
    return sum(grades.get(key, 0) >= RELEVANT for key in ranking[:k]) / relevant


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, int]) -> float:
    for rank, key in enumerate(ranking, start=1):
        if grades.get(key, 0) >= RELEVANT:
            return 1 / rank
    return 0.0


def has_relevant(grades: Mapping[str, int]) -> bool:
    return any(g >= RELEVANT for g in grades.values())


METRICS = {
    "nDCG@10": lambda r, g: ndcg_at(r, g, 10),
    "P@5": lambda r, g: precision_at(r, g, 5),
    "R@10": lambda r, g: recall_at(r, g, 10),
    "MRR": reciprocal_rank,
}


def evaluate(
    rankings: Mapping[str, Sequence[str]], grades: Mapping[str, Mapping[str, int]]
) -> dict[str, float | int]:
    """Mean of every metric over the queries with at least one relevant item, and their
    number under "queries"."""
    queries = [q for q in rankings if has_relevant(grades.get(q, {}))]
    result: dict[str, float | int] = {"queries": len(queries)}
    for name, metric in METRICS.items():
        values = [metric(rankings[q], grades[q]) for q in queries]
        result[name] = sum(values) / len(values) if values else float("nan")
    return result
