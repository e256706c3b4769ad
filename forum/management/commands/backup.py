"""``manage.py backup``: database dump and uploaded files into one folder under BACKUP_DIR.

``--at 02:30`` keeps running and makes one every night at that time (TIME_ZONE's wall
clock): that is what the compose service ``backup`` does. See forum/backups.py.
"""

import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from forum.backups import (
    BackupError,
    backup_create,
    backups_list,
    parse_clock,
    run_daily,
)


class Command(BaseCommand):
    help = (
        "Writes a consistent backup (pg_dump --format=custom plus a tar of MEDIA_ROOT) into a "
        "timestamped folder under BACKUP_DIR and keeps the newest BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Target folder (default: BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, help="How many backups to keep (default: BACKUP_KEEP)."
        )
        parser.add_argument(
            "--database", default="default", help="Database alias (default: default)."
        )
        parser.add_argument("--list", action="store_true", help="List the backups and exit.")
        parser.add_argument(
            "--at",
            metavar="HH:MM",
            help="Keep running and make a backup every day at this time (TIME_ZONE).",
        )

    def handle(self, *args, **options):
        backup_dir = Path(options["dir"] or settings.BACKUP_DIR)
        if options["list"]:
            for path in backups_list(backup_dir):
                self.stdout.write(str(path))
            return
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        if keep < 1:
            raise CommandError("--keep must be 1 or more.")

        def backup():
            path = backup_create(
                db=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                backup_dir=backup_dir,
                keep=keep,
            )
            self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))

        if options["at"]:
            try:
                at = parse_clock(options["at"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            # As PID 1 of a container, Python would ignore `docker stop`'s SIGTERM (no default
            # action for init) and be killed 10 s later; leave at once, cleaning up.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
            self.stdout.write(f"Backups every day at {at:%H:%M} ({settings.TIME_ZONE}).")
            run_daily(at=at, zone=ZoneInfo(settings.TIME_ZONE), job=backup)
            return
        try:
            backup()
        except BackupError as error:
            raise CommandError(str(error)) from error
