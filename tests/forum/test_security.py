"""R4: deployment checks, security headers, cookies and no third-party hosts (PRODUCT.md 3.5, 6)."""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from .conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def current_database_url() -> str:
    """The database these tests use, also when it is the embedded one on a Unix socket."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "127.0.0.1", safe="")
    return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def production_env(**extra) -> dict[str, str]:
    """A clean production environment: nothing leaks in from the developer's or CI's shell
    (CI sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "forum.example.org",
        "SITE_URL": "https://forum.example.org",
        "DATABASE_URL": current_database_url(),
        "DJANGO_SETTINGS_MODULE": "forum.settings",
    }
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- (a) manage.py check --deploy -------------------------------------------------------


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# --- (b) response headers -------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0]] = tokens[1:]
    return directives


def test_landing_sends_strict_content_security_policy(client, db):
    response = client.get("/")

    header = response["Content-Security-Policy"]
    directives = csp_directives(header)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    for directive in ("script-src", "style-src"):
        assert directives[directive] == ["'self'"]


def test_landing_sends_security_headers(client, db):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_error_pages_carry_the_same_headers(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


PRODUCTION_HEADERS_SCRIPT = """
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="forum.example.org")
secure = client.get("/healthz", secure=True)
plain = client.get("/", secure=False)
print(json.dumps({
    "secure_status": secure.status_code,
    "secure_headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


@pytest.fixture(scope="module")
def production_responses():
    result = run_python(PRODUCTION_HEADERS_SCRIPT, production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_on_https(production_responses):
    headers = production_responses["secure_headers"]

    assert production_responses["secure_status"] == 200
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_production_sends_csp_and_isolation_headers(production_responses):
    headers = production_responses["secure_headers"]

    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_production_redirects_plain_http_to_https(production_responses):
    assert production_responses["plain_status"] == 301
    assert production_responses["plain_location"].startswith("https://forum.example.org/")


# --- (c) cookies ----------------------------------------------------------------------


def test_only_session_and_csrf_cookies_are_ever_set(make_user):
    make_user("cookie@example.org")
    client = Client(enforce_csrf_checks=True)
    seen: set[str] = set()

    def record(response):
        seen.update(response.cookies.keys())
        return response

    record(client.get("/"))
    record(client.get("/en/"))
    record(client.get("/pages/privacy/"))
    record(client.get("/accounts/login/"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    login = record(
        client.post(
            "/accounts/login/",
            {"login": "cookie@example.org", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
    )
    assert login.status_code == 302, login.content.decode()[:2000]
    assert settings.SESSION_COOKIE_NAME in login.cookies
    record(client.get("/"))
    record(client.get("/en/"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    logout = record(client.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf}))
    assert logout.status_code == 302

    assert settings.CSRF_COOKIE_NAME in seen
    assert seen <= ALLOWED_COOKIES, f"unexpected cookies: {seen - ALLOWED_COOKIES}"


def test_session_and_csrf_cookies_are_http_only_and_same_site(make_user):
    make_user("flags@example.org")
    client = Client()
    client.get("/accounts/login/")

    response = client.post("/accounts/login/", {"login": "flags@example.org", "password": PASSWORD})

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- (d) no third-party hosts ----------------------------------------------------------


class ResourceCollector(HTMLParser):
    """Collects every URL a browser would fetch or follow from script, link, img and friends."""

    ATTRIBUTES = {"src", "href", "srcset", "action", "poster", "data"}
    TAGS = {
        "script",
        "link",
        "img",
        "source",
        "iframe",
        "video",
        "audio",
        "object",
        "embed",
        "form",
    }

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.TAGS:
            return
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                for candidate in value.split(",") if name == "srcset" else [value]:
                    self.urls.append((tag, candidate.strip().split(" ")[0]))


def foreign_urls(html: str) -> list[tuple[str, str]]:
    collector = ResourceCollector()
    collector.feed(html)
    foreign = []
    for tag, url in collector.urls:
        parts = urlsplit(url)
        absolute = url.startswith("//") or (parts.scheme in {"http", "https"} and parts.hostname)
        if absolute and parts.hostname not in {"testserver", *settings.ALLOWED_HOSTS}:
            foreign.append((tag, url))
    return foreign


@pytest.mark.parametrize("path", ["/", "/en/", "/pages/privacy/", "/en/pages/privacy/"])
def test_pages_reference_no_other_host(client, db, path):
    response = client.get(path)
    html = response.content.decode()

    assert response.status_code == 200
    assert foreign_urls(html) == []


def test_foreign_url_detector_finds_a_cdn():
    html = '<link rel="stylesheet" href="https://cdn.example.com/x.css"><img src="//evil.example/a.png">'

    assert foreign_urls(html) == [
        ("link", "https://cdn.example.com/x.css"),
        ("img", "//evil.example/a.png"),
    ]


def test_error_500_template_references_no_other_host():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert '<html lang="de">' in html
    assert foreign_urls(html) == []
