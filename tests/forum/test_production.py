"""Production settings of issue 10: errors reach someone (ADMINS, Sentry), the proxy header,
health checks over plain HTTP, and check --deploy stopping a weak configuration."""

import json
import subprocess
import sys

import pytest

from forum.sentry import before_send
from forum.settings import parse_admins, proxy_ssl_header

from .test_security import ROOT, production_env, run_python


def last_json(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- ADMINS --------------------------------------------------------------------------------


def test_parse_admins_names_and_bare_addresses():
    assert parse_admins("Erika Muster <erika@example.org>, ops@example.org") == [
        ("Erika Muster", "erika@example.org"),
        ("ops@example.org", "ops@example.org"),
    ]


def test_parse_admins_empty_is_nobody():
    assert parse_admins("") == []
    assert parse_admins(" , ") == []


def test_parse_admins_rejects_something_that_is_no_address():
    with pytest.raises(RuntimeError, match="not an email address"):
        parse_admins("Erika Muster")


# Pages render with the manifest static storage in production; these processes run without
# collectstatic, so plain static storage stands in for it.
PLAIN_STATIC = """
from django.test.utils import override_settings
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
"""

SERVER_ERROR_SCRIPT = (
    """
import django, json
from unittest import mock
django.setup()
from django.core import mail
from django.test import Client
"""
    + PLAIN_STATIC
    + """
with mock.patch("forum.views.landing", side_effect=RuntimeError("boom")):
    response = Client(HTTP_HOST="forum.example.org", raise_request_exception=False).get(
        "/", secure=True
    )
outbox = getattr(mail, "outbox", [])
print(json.dumps({
    "status": response.status_code,
    "to": [message.to for message in outbox],
    "subjects": [message.subject for message in outbox],
}))
"""
)


def test_server_error_in_production_mails_the_admins():
    env = production_env(
        ADMINS="Erika Muster <erika@example.org>, ops@example.org",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )

    outcome = last_json(run_python(SERVER_ERROR_SCRIPT, env))

    assert outcome["status"] == 500
    assert outcome["to"] == [["erika@example.org", "ops@example.org"]]
    assert "Internal Server Error: /" in outcome["subjects"][0]


# --- Sentry --------------------------------------------------------------------------------

SENTRY_SCRIPT = """
import django, json
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
before = options.get("before_send")
print(json.dumps({
    "active": client.is_active(),
    "send_default_pii": options.get("send_default_pii"),
    "include_local_variables": options.get("include_local_variables"),
    "before_send": f"{before.__module__}.{before.__name__}" if before else None,
    "integrations": sorted(type(i).__name__ for i in client.integrations.values())
    if client.is_active() else [],
}))
"""


def test_sentry_is_off_without_dsn():
    outcome = last_json(run_python(SENTRY_SCRIPT, production_env()))

    assert outcome["active"] is False


def test_sentry_with_dsn_sends_no_personal_data():
    # A port nothing listens on: initialising opens no connection; no event is sent here.
    env = production_env(SENTRY_DSN="https://public@127.0.0.1:9/1")

    outcome = last_json(run_python(SENTRY_SCRIPT, env))

    assert outcome["active"] is True
    assert outcome["send_default_pii"] is False
    assert outcome["include_local_variables"] is False
    assert outcome["before_send"] == "forum.sentry.before_send"
    assert {"DjangoIntegration", "CeleryIntegration"} <= set(outcome["integrations"])


def test_sentry_before_send_strips_user_and_request_data():
    event = {
        "exception": {"values": [{"type": "RuntimeError", "value": "boom"}]},
        "user": {"id": "7", "email": "erika@example.org", "ip_address": "203.0.113.9"},
        "server_name": "web-1",
        "request": {
            "method": "POST",
            "url": "https://forum.example.org/members/me/?email=erika@example.org",
            "query_string": "email=erika@example.org",
            "cookies": {"sessionid": "secret"},
            "headers": {"Cookie": "sessionid=secret", "X-Forwarded-For": "203.0.113.9"},
            "data": {"first_name": "Erika"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "breadcrumbs": {
            "values": [
                {"category": "query", "message": "SELECT …", "data": {"params": ["erika"]}},
            ]
        },
        "extra": {"sys.argv": ["manage.py", "createadmin", "--email", "erika@example.org"]},
    }

    cleaned = before_send(event, {})

    assert cleaned["request"] == {"method": "POST", "url": "https://forum.example.org/members/me/"}
    assert "user" not in cleaned
    assert "server_name" not in cleaned
    assert cleaned["breadcrumbs"]["values"] == [{"category": "query", "message": "SELECT …"}]
    assert "erika" not in json.dumps(cleaned)
    assert "203.0.113.9" not in json.dumps(cleaned)
    assert cleaned["exception"]["values"][0]["type"] == "RuntimeError"


# --- Proxy header and plain-HTTP health checks ---------------------------------------------


def test_proxy_ssl_header_parsing():
    assert proxy_ssl_header("HTTP_X_FORWARDED_PROTO,https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header(" HTTP_X_FORWARDED_SSL , on ") == ("HTTP_X_FORWARDED_SSL", "on")
    assert proxy_ssl_header("off") is None
    with pytest.raises(RuntimeError, match="SECURE_PROXY_SSL_HEADER"):
        proxy_ssl_header("HTTP_X_FORWARDED_PROTO")


PLAIN_HTTP_SCRIPT = (
    """
import django, json
django.setup()
from django.test import Client
"""
    + PLAIN_STATIC
    + """
client = Client(HTTP_HOST="forum.example.org")
result = {}
for path in ("/healthz", "/readyz", "/"):
    result[path] = client.get(path).status_code
# Django sends HSTS only on a request it takes for HTTPS.
for name, header in (("forwarded_https", {"HTTP_X_FORWARDED_PROTO": "https"}),
                     ("forwarded_ssl", {"HTTP_X_FORWARDED_SSL": "on"})):
    result[name] = "Strict-Transport-Security" in client.get("/healthz", **header).headers
print(json.dumps(result))
"""
)


def test_health_checks_answer_plain_http_in_production():
    outcome = last_json(run_python(PLAIN_HTTP_SCRIPT, production_env()))

    assert outcome["/healthz"] == 200
    assert outcome["/readyz"] in (200, 503)  # answered, not redirected
    assert outcome["/"] == 301
    assert outcome["forwarded_https"] is True
    assert outcome["forwarded_ssl"] is False


def test_proxy_ssl_header_from_environment():
    env = production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SSL,on")

    outcome = last_json(run_python(PLAIN_HTTP_SCRIPT, env))

    assert outcome["forwarded_https"] is False
    assert outcome["forwarded_ssl"] is True


def test_proxy_ssl_header_off_trusts_no_header():
    outcome = last_json(
        run_python(PLAIN_HTTP_SCRIPT, production_env(SECURE_PROXY_SSL_HEADER="off"))
    )

    assert outcome["forwarded_https"] is False
    assert outcome["forwarded_ssl"] is False
    assert outcome["/"] == 301


# --- check --deploy as compose's migrate service runs it -----------------------------------


@pytest.mark.parametrize(
    ("override", "warning"),
    [
        ({"SECRET_KEY": "change-me"}, "security.W009"),
        ({"ALLOWED_HOSTS": ""}, "security.W020"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ],
)
def test_check_deploy_stops_a_weak_configuration(override, warning):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**override),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_check_deploy_accepts_redirect_left_to_the_proxy():
    """SECURE_SSL_REDIRECT=0 is a documented choice (the proxy redirects); compose's
    migrate service must not refuse to start over it."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(SECURE_SSL_REDIRECT="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
