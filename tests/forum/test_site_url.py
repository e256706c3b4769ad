"""SITE_URL follows `make run PORT=…` in development (issue 10): links in mails, .ics files
and the programme PDF point to the port the site is served on. That make hands PORT to
runserver is asserted in test_embedded_db.py."""

import runpy
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "forum" / "settings.py"


def site_url(monkeypatch, **environ) -> str:
    for name in ("PORT", "SITE_URL", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    # Parsed only: the settings must not start the embedded PostgreSQL here.
    monkeypatch.setenv("DATABASE_URL", "postgres://forum@127.0.0.1:1/forum")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))["SITE_URL"]


def test_site_url_follows_port_in_development(monkeypatch):
    assert site_url(monkeypatch, PORT="8101") == "http://127.0.0.1:8101"


@pytest.mark.parametrize("environ", [{}, {"PORT": ""}], ids=["unset", "empty"])
def test_site_url_defaults_to_port_8000(monkeypatch, environ):
    assert site_url(monkeypatch, **environ) == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_port(monkeypatch):
    url = site_url(monkeypatch, PORT="8101", SITE_URL="https://forum.example.org/")

    assert url == "https://forum.example.org"
