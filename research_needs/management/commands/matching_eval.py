"""Ranks a matching data set as the pages do and, when it has labels, prints how good the
ranking is.

    python manage.py matching_eval DATASET.json [--output RANKINGS.json]

DATASET.json has the format of shared/matching/dev.json (README beside it). The records
are loaded into a throwaway database on the configured PostgreSQL server (created,
migrated, and dropped at the end whatever happens: research_needs.matching.stored), so
the live data is never read or touched and nothing is left behind. There they become
organisations with competence profiles and published needs; the store computes their
embeddings and stemmed word counts, and the selectors the pages call
(research_needs.matching.selectors) rank them, read by an organiser who may see every
need. As on the pages, only organisations of the kinds a need asks for are ranked for it
(a data set grades the others 0).

For every need the organisations, and for every organisation the needs, are ranked;
``--output`` writes the top 20 of each:
{"needs": {need_key: [org_key, …]}, "organisations": {org_key: [need_key, …]}}.

With labels, it prints nDCG@10, P@5, R@10 and MRR for both directions, overall, by the
need's language and for low-overlap pairs (defined in
research_needs.matching.evaluation), next to a full-text-only baseline computed in the
same run from the same stored rows: the engine with only the lexical feature (TF-IDF
cosine over stemmed words) and no structured rule, as before the rows were stored
(stored.rank_full_text). Without labels it prints the number of rankings only.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from research_needs.matching import evaluation, stored
from research_needs.matching.engine import DEFAULT_WEIGHTS
from research_needs.matching.store import vectors_refresh

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
        if connection.in_atomic_block:
            raise CommandError("matching_eval cannot run inside a transaction.")
        started = time.perf_counter()
        with stored.throwaway_database():
            loaded = stored.load(data)
            vectors_refresh()
            prepared = time.perf_counter()
            rankings = stored.rank(loaded, DEFAULT_WEIGHTS)
            ranked = time.perf_counter()
            if data.labels is not None:
                baseline_rankings = stored.rank_full_text(loaded)
                with connection.cursor() as cursor:
                    overlap = stored.overlap_words(data, cursor=cursor)
        self.stdout.write(
            f"{len(data.needs)} needs, {len(data.organisations)} organisations, "
            f"{'no' if data.labels is None else len(data.labels)} labels; loaded and "
            f"embedded in {prepared - started:.1f} s, ranked in {ranked - prepared:.1f} s "
            "(throwaway database dropped)"
        )
        if output:
            Path(output).write_text(
                json.dumps(rankings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"rankings written to {output}")
        if data.labels is None:
            self.stdout.write("The data set has no labels: rankings only, no metrics.")
            return
        engine = evaluation.evaluate_rankings(overlap, rankings, data.labels)
        baseline = evaluation.evaluate_rankings(overlap, baseline_rankings, data.labels)
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
            "the need's language. full-text: TF-IDF cosine of the stored word counts alone, "
            "no structured data (not even the partner kinds the pages filter by)."
        )
