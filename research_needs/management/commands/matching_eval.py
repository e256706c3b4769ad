"""Ranks a matching data set and, when it has labels, prints how good the ranking is.

    python manage.py matching_eval DATASET.json [--output RANKINGS.json]

DATASET.json has the format of shared/matching/dev.json (README beside it). The records
are loaded into memory, not into the platform's tables: the competence profiles and the
stored embeddings do not exist as models yet, and this way the live data is never read or
touched and nothing is left behind. PostgreSQL (the configured database) is only asked to
stem the texts with its German and English full-text configurations (SELECT to_tsvector,
no table is created or written). Ranking uses the functions the pages will call
(research_needs.matching.engine) with the same weights.

For every need the organisations, and for every organisation the needs (every need of a
data set counts as open), are ranked; ``--output`` writes the top 20 of each:
{"needs": {need_key: [org_key, …]}, "organisations": {org_key: [need_key, …]}}.

With labels, it prints nDCG@10, P@5, R@10 and MRR for both directions, overall, by the
need's language and for low-overlap pairs (defined in
research_needs.matching.evaluation), next to a full-text-only baseline computed in the
same run: the same engine with only the lexical feature (TF-IDF cosine over stemmed
words). Without labels it prints the number of rankings only.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from research_needs.matching import evaluation
from research_needs.matching.engine import DEFAULT_WEIGHTS, LEXICAL_ONLY

METRICS = ("nDCG@10", "P@5", "R@10", "MRR")


class Command(BaseCommand):
    help = "Rank a matching data set (format of shared/matching/dev.json) and print metrics."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="data set in the format of shared/matching/dev.json")
        parser.add_argument("--output", help="write the rankings (top 20 per key) as JSON here")

    def handle(self, *args, dataset, output=None, **options):
        try:
            data = evaluation.Dataset.load(dataset)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read {dataset}: {error}") from error
        started = time.perf_counter()
        with connection.cursor() as cursor:
            prepared = evaluation.prepare(data, cursor=cursor)
        rankings = evaluation.rank_all(prepared, DEFAULT_WEIGHTS)
        self.stdout.write(
            f"{len(data.needs)} needs, {len(data.organisations)} organisations, "
            f"{'no' if data.labels is None else len(data.labels)} labels; "
            f"ranked in {time.perf_counter() - started:.1f} s"
        )
        if output:
            Path(output).write_text(
                json.dumps(rankings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"rankings written to {output}")
        if data.labels is None:
            self.stdout.write("The data set has no labels: rankings only, no metrics.")
            return
        engine = evaluation.evaluate_rankings(prepared, rankings, data.labels)
        baseline = evaluation.evaluate_rankings(
            prepared, evaluation.rank_all(prepared, LEXICAL_ONLY), data.labels
        )
        self._table(engine, baseline)

    def _table(self, engine: dict, baseline: dict) -> None:
        header = f"{'direction':<20} {'group':<12} {'ranking':<10} {'queries':>7}" + "".join(
            f" {m:>8}" for m in METRICS
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for direction, groups in engine.items():
            for group, figures in groups.items():
                for label, row in (("engine", figures), ("full-text", baseline[direction][group])):
                    cells = "".join(f" {row[m]:>8.3f}" for m in METRICS)
                    self.stdout.write(
                        f"{direction:<20} {group:<12} {label:<10} {row['queries']:>7}{cells}"
                    )
        self.stdout.write(
            f"Low overlap: labelled pairs whose stemmed content words (need: title, summary, "
            f"description; organisation: description, competences) have a Jaccard index "
            f"below {evaluation.LOW_OVERLAP}; a query's other labelled items are left out. "
            "Means over queries with at least one relevant (grade ≥ 2) item; by language = "
            "the need's language."
        )
