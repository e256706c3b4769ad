"""The production files stay in step with the settings (PRODUCT.md R4, CONVENTIONS "Settings")."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def compose_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


def service_block(name: str) -> str:
    """The lines of one service in docker-compose.yml (PyYAML is no dependency)."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", compose_text(), re.MULTILINE)
    assert match, f"service {name} missing"
    return match.group(1)


def seconds(duration: str) -> int:
    """Compose durations like 5m30s."""
    units = {"h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)([hms])", duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(int(n) * units[u] for n, u in parts)


def env_example_names() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line.split("=", 1)[0])
    return names


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "forum" / "settings.py").read_text()
    read = set(re.findall(r'\benv(?:_bool|_list)?\(\s*"([A-Z0-9_]+)"', settings_source))

    missing = read - env_example_names()

    assert read, "no env() calls found; did the settings helpers change?"
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_env_example_switches_production_mode_on():
    text = (ROOT / ".env.example").read_text()

    assert re.search(r"^DEBUG=0$", text, re.MULTILINE)
    assert "SECRET_KEY=change-me" in text


def test_compose_shares_one_definition_for_web_worker_and_beat():
    text = (ROOT / "docker-compose.yml").read_text()

    assert "x-app: &app" in text
    for service in ("web", "worker", "beat", "migrate"):
        block = re.search(rf"^  {service}:\n((?:    .*\n|\n)+)", text, re.MULTILINE)
        assert block, f"service {service} missing"
        assert "<<: *app" in block.group(1)
    assert 'celery", "-A", "forum", "worker"' in text
    assert 'celery", "-A", "forum", "beat"' in text
    assert "image: redis:7" in text


def test_compose_runs_postgres_with_pgvector_of_the_major_the_image_dumps_with():
    dockerfile = (ROOT / "Dockerfile").read_text()
    default_major = re.search(r"^ARG PG_MAJOR=(\d+)$", dockerfile, re.MULTILINE).group(1)

    default = "${PG_MAJOR:-" + default_major + "}"
    assert f"image: pgvector/pgvector:pg{default}" in service_block("postgres")
    assert f"PG_MAJOR: {default}" in compose_text()
    assert 15 <= int(default_major) <= 17  # 18 keeps its data elsewhere (comment in compose)
    assert '"postgresql-client-${PG_MAJOR}"' in dockerfile


def test_compose_rotates_every_containers_log():
    text = compose_text()

    assert re.search(r"^x-logging: &logging\n  driver: json-file\n", text, re.MULTILINE)
    assert 'max-size: "10m"' in text and 'max-file: "5"' in text
    x_app = re.search(r"^x-app: &app\n((?:  .*\n)+)", text, re.MULTILINE).group(1)
    assert "  logging: *logging" in x_app
    for service in ("postgres", "redis"):
        assert "logging: *logging" in service_block(service)


def test_compose_worker_is_recycled_stops_gracefully_and_has_a_health_check():
    worker = service_block("worker")

    assert '"--max-tasks-per-child", "100"' in worker
    assert '"--hostname", "worker@%h"' in worker
    grace = seconds(re.search(r"stop_grace_period: (\S+)", worker).group(1))
    assert grace > settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert "inspect ping --destination worker@$$HOSTNAME" in worker


def test_compose_beat_health_check_watches_its_schedule_file():
    beat = service_block("beat")

    schedule = re.search(r'"--schedule", "(\S+)"', beat).group(1)
    assert schedule.startswith("/app/var/beat/")
    assert "find /app/var/beat -name 'celerybeat-schedule*' -mmin -10" in beat


def test_compose_web_health_check_uses_readiness():
    assert "http://127.0.0.1:8000/readyz" in service_block("web")


def test_compose_migrate_checks_the_deployment_first():
    migrate = service_block("migrate")

    assert (
        "python manage.py check --deploy --fail-level WARNING && python manage.py migrate"
        in migrate
    )


def test_compose_backup_service_runs_nightly_into_its_volume():
    backup = service_block("backup")

    assert '"manage.py", "backup", "--at", "${BACKUP_TIME:-02:30}"' in backup
    assert "- backups:/app/var/backups" in backup
    assert "- media:/app/var/media" in backup
    assert re.search(r"^  backups:$", compose_text(), re.MULTILINE)


def test_dockerfile_installs_hashed_requirements_and_runs_as_non_root():
    text = (ROOT / "Dockerfile").read_text()

    assert "pip install --require-hashes -r requirements/base.lock" in text
    assert "npm ci" in text
    assert re.search(r"^USER forum$", text, re.MULTILINE)
    assert "collectstatic" in text
    assert "compilemessages" in text


def test_dockerfile_leaves_the_embedded_postgresql_out():
    text = (ROOT / "Dockerfile").read_text()
    base_lock = (ROOT / "requirements" / "base.lock").read_text()

    assert "dev.lock" not in text and "test.lock" not in text
    assert "pixeltable" not in base_lock


def test_dockerfile_pins_the_app_user_and_builds_the_font_cache():
    text = (ROOT / "Dockerfile").read_text()

    assert "ARG APP_UID=10001" in text and "ARG APP_GID=10001" in text
    assert '--uid "${APP_UID}"' in text and '--gid "${APP_GID}"' in text
    assert "fc-cache -f" in text
    assert "XDG_CACHE_HOME=/app/var/cache" in text
    assert "/app/var/cache/fontconfig" in text
    assert "chown -R forum:forum /app/var" in text


def _gunicorn_config(command: list[str], **env: str) -> dict[str, str]:
    """What gunicorn resolves from ``command`` (its own --print-config) with ``env``."""
    args = [sys.executable, "-m", *command[: command.index("--bind")], "--print-config"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "GUNICORN"))}
    printed = subprocess.run(
        args, cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, check=True
    ).stdout
    return dict(re.findall(r"^(\w+)\s+= (.*)$", printed, re.MULTILINE))


def test_production_serves_with_threaded_workers_as_the_benchmarks_measure():
    """The web command of the image and of compose runs gunicorn with forum/gunicorn.py:
    threaded workers, WEB_CONCURRENCY processes of WEB_THREADS threads (bench/ measures
    gthread workers; sync ones answer one request at a time and keep no connection alive)."""
    dockerfile_cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M)
    compose_cmd = re.search(r"^    command: (\[.*\])$", service_block("web"), re.M)
    commands = [json.loads(dockerfile_cmd.group(1)), json.loads(compose_cmd.group(1))]
    assert commands[0] == commands[1]

    default = _gunicorn_config(commands[0])
    tuned = _gunicorn_config(commands[0], WEB_CONCURRENCY="5", WEB_THREADS="2")

    assert (default["worker_class"], default["threads"]) == ("gthread", "4")
    assert (tuned["worker_class"], tuned["workers"], tuned["threads"]) == ("gthread", "5", "2")
