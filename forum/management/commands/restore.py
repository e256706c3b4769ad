"""``manage.py restore <backup>``: database and uploaded files from a ``backup`` folder.

Stop web, worker and beat first (README, "Backups and restore")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from forum.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restores a backup folder written by `manage.py backup`. Refuses a database with "
        "tables or a non-empty MEDIA_ROOT unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup", help="The backup folder, e.g. /backups/forum-20261125-013000."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the existing database objects and media files with the backup.",
        )
        parser.add_argument(
            "--database", default="default", help="Database alias (default: default)."
        )

    def handle(self, *args, backup, force, database, **options):
        path = Path(backup)
        if not path.is_dir() and (Path(settings.BACKUP_DIR) / backup).is_dir():
            path = Path(settings.BACKUP_DIR) / backup
        connection = connections[database]
        # pg_restore --clean drops tables this process may hold open.
        connection.close()
        try:
            manifest = backup_restore(
                path=path,
                db=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                force=force,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        _forget_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path.name} (taken {manifest['created_at']}, "
                f"media files: {manifest['media_files']}). Run `manage.py migrate` if the code "
                "is newer than the backup."
            )
        )


def _forget_cache() -> None:
    """What the cache keeps (pages, the users and memberships of sessions, sessions) was read
    from the database before the restore: none of it may outlive it. Only the cache's own
    keys go; the task queue in the same Redis database stays."""
    from django.core.cache import cache

    forget = getattr(cache, "delete_own_keys", None)
    if forget is None:  # a cache of its own (development, tests): nothing else lives there
        cache.clear()
    else:
        forget()
