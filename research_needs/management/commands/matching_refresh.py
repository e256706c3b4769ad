"""Computes the stored rows of the partner recommendations that are missing or outdated.

    python manage.py matching_refresh [--force]

Run it after ``research_needs.matching.embeddings.MODEL_VERSION`` changes (rows of another
version are left out of rankings until recomputed), after loading data without the tasks
(fixtures, a restored dump), or with ``--force`` to recompute every row. Unchanged rows
cost no embedding: each row records a hash of the texts it was made from.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from research_needs.matching.store import vectors_refresh


class Command(BaseCommand):
    help = "Compute missing or outdated embeddings and word counts for the recommendations."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="recompute every row")

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()

        def progress(kind, done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {kind}: {done}/{total}")

        result = vectors_refresh(force=force, progress=progress)
        self.stdout.write(
            f"{result.needs} needs and {result.organisations} organisations embedded, "
            f"{result.removed} rows without text removed, "
            f"in {time.perf_counter() - started:.1f} s"
        )
