"""allauth's rate limits protect the login, and the admin login goes through it too (issue 2.11)."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def _login(client, email, password="wrong-password", next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def test_login_failed_attempts_are_rate_limited(client, db):
    user = UserFactory()
    responses = [_login(client, user.email) for _ in range(5)]
    assert [r.status_code for r in responses] == [400] * 5
    # allauth allows 5 failed attempts per address in 5 minutes; then even the right
    # password is refused, with a message saying why.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert "too many" in response.content.decode().lower() or "zu viele" in (
        response.content.decode().lower()
    )
    assert "_auth_user_id" not in client.session


def test_login_right_password_before_limit_logs_in(client, db):
    user = UserFactory()
    for _ in range(4):
        _login(client, user.email)
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_login_goes_through_rate_limited_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    user = UserFactory(is_staff=True)
    for _ in range(5):
        _login(client, user.email, next_url="/admin/")
    response = _login(client, user.email, PASSWORD, next_url="/admin/")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_invalid_form_answers_400_and_keeps_email(client, db):
    response = _login(client, "nobody@example.org")
    assert response.status_code == 400
    assert 'value="nobody@example.org"' in response.content.decode()


# --- Behind the TLS proxy (issue 10, item 8) ----------------------------------------------

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches gunicorn from here


def _login_via_proxy(client, email, forwarded_for, password="wrong-password"):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.parametrize(("value", "expected"), [("1", "1"), ("", "0"), (None, "0")])
def test_trusted_proxy_count_comes_from_the_environment(value, expected):
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    # A DATABASE_URL of its own, so importing the settings never starts the embedded server.
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    if value is not None:
        env["TRUSTED_PROXY_COUNT"] = value
    code = "import forum.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected


def test_behind_proxy_many_clients_are_counted_apart(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    users = UserFactory.create_batch(3)
    # 45 people mistype their password, each from their own address, within one minute.
    statuses = [
        _login_via_proxy(
            client, users[n % 3].email if n < 3 else f"p{n}@example.org", ip
        ).status_code
        for n, ip in enumerate(f"198.51.100.{n}" for n in range(1, 46))
    ]
    assert statuses == [400] * 45
    # Somebody else behind the same proxy still logs in.
    response = _login_via_proxy(client, users[0].email, "203.0.113.50", password=PASSWORD)
    assert response.status_code == 302


def test_behind_proxy_one_address_hammering_gets_429(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = "203.0.113.7"
    # Forged entries in front of the one our proxy appended change nothing.
    statuses = [
        _login_via_proxy(client, f"victim{n}@example.org", f"192.0.2.{n}, {attacker}").status_code
        for n in range(31)
    ]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    # Others behind the same proxy are not affected.
    user = UserFactory()
    response = _login_via_proxy(client, user.email, "203.0.113.8", password=PASSWORD)
    assert response.status_code == 302


def test_without_trusted_proxy_forwarded_for_is_ignored(client, db, settings):
    """The default (no proxy of ours in front): the header is the client's word and does not
    count; behind a proxy this lumps everybody together, which is why production sets
    TRUSTED_PROXY_COUNT."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    statuses = [
        _login_via_proxy(client, f"p{n}@example.org", f"198.51.100.{n}").status_code
        for n in range(1, 32)
    ]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
