"""Sends pending notifications from this process, without a broker or worker.

For an operator after an outage, or a development machine without Redis: the same
idempotent delivery the worker runs, so running it next to a worker sends nothing twice.
"""

from django.core.management.base import BaseCommand

from forum.notifications import services


class Command(BaseCommand):
    help = "Deliver pending notification emails now (and, with --digests, the daily digests)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also notifications whose next retry is not due yet.",
        )
        parser.add_argument(
            "--digests", action="store_true", help="Also send the daily digests now."
        )

    def handle(self, *args, all=False, digests=False, **options):
        outcomes = services.notification_deliver_pending(due_only=not all)
        self.stdout.write(self._summary("notifications", outcomes))
        if digests:
            self.stdout.write(self._summary("digests", services.digest_send_all()))

    @staticmethod
    def _summary(what: str, outcomes: dict) -> str:
        if not outcomes:
            return f"{what}: nothing to send"
        return f"{what}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
