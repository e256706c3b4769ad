"""The production files stay in step with the settings (PRODUCT.md R4, CONVENTIONS "Settings")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    assert "image: postgres:16" in text
    assert "image: redis:7" in text
    assert "/healthz" in text


def test_dockerfile_installs_hashed_requirements_and_runs_as_non_root():
    text = (ROOT / "Dockerfile").read_text()

    assert "pip install --require-hashes -r requirements/base.lock" in text
    assert "npm ci" in text
    assert re.search(r"^USER forum$", text, re.MULTILINE)
    assert "collectstatic" in text
    assert "compilemessages" in text
