"""Fills the database with fictional demo data of the Harz recycling cluster (PRODUCT.md 7).

Each app contributes a seeder ``seed(*, scale: int, stdout) -> None`` listed in ``SEEDERS``,
in dependency order (needs and events build on organisations and users). Seeders must be
idempotent: a second run changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

SEEDERS = [
    "members.demo.seed",
    "research_needs.demo.seed",
    "members.demo_notifications.seed",
    "events.demo.seed",
]


class Command(BaseCommand):
    help = "Creates demo organisations, users and content. Development only: the demo passwords are public."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Create N times as much data, with generated names (for benchmarks).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Never on a production system.",
        )

    def handle(self, *args, scale, force, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo accounts with public passwords. "
                "Use --force only on a throwaway database."
            )
        # One transaction: a failing seeder leaves no half-filled database behind.
        with transaction.atomic():
            for dotted_path in SEEDERS:
                import_string(dotted_path)(scale=scale, stdout=self.stdout)
        # The recommendations' embeddings, here and now rather than by the worker (which a
        # development machine may not run); a second run finds nothing to compute.
        from research_needs.matching.store import vectors_refresh

        embedded = vectors_refresh()
        self.stdout.write(
            f"recommendations: {embedded.needs} needs and {embedded.organisations} "
            "organisations embedded"
        )

        from members.demo import DEMO_PASSWORD, PERSONAS

        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (development only):"))
        for persona, email in PERSONAS.items():
            self.stdout.write(f"  {persona:<13} {email}  /  {DEMO_PASSWORD}")
