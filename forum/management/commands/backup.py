"""``manage.py backup``: database dump and uploaded files into one folder under BACKUP_DIR.

The compose service ``backup`` runs it every night; see forum/backups.py for the format.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from forum.backups import BackupError, backup_create, backups_list


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

    def handle(self, *args, **options):
        backup_dir = Path(options["dir"] or settings.BACKUP_DIR)
        if options["list"]:
            for path in backups_list(backup_dir):
                self.stdout.write(str(path))
            return
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        if keep < 1:
            raise CommandError("--keep must be 1 or more.")
        try:
            path = backup_create(
                db=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                backup_dir=backup_dir,
                keep=keep,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
