"""Two-factor authentication (issue 10, item 9): required for staff before the admin opens,
optional for members; TOTP and recovery codes through allauth.mfa."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group
from django.urls import reverse

from forum.mfa import staff_mfa_required
from forum.organisers import ORGANISERS_GROUP
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def totp_code(secret: str, *, step: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


@pytest.fixture
def require_mfa(settings):
    settings.FORUM_STAFF_REQUIRE_MFA = True


@pytest.fixture
def organiser():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return user


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def login(client, email, password=PASSWORD, next_url="/admin/"):
    return client.post(
        reverse("account_login") + f"?next={next_url}", {"login": email, "password": password}
    )


def reauthenticate(client, language_prefix=""):
    """allauth asks for the password again before 2FA settings change (a stolen session alone
    must not switch 2FA off)."""
    response = client.post(f"{language_prefix}/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return response


def activate_page(client, user) -> str:
    login(client, user.email, next_url="/accounts/2fa/")
    reauthenticate(client)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    return response.content.decode()


def secret_of(page: str) -> str:
    return re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)


# --- Enforcement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "setup_url", "message"),
    [
        ("/admin/", "/accounts/2fa/totp/activate/", "Die Verwaltung ist nur mit Zwei-Faktor"),
        ("/admin/events/event/", "/accounts/2fa/totp/activate/", "Die Verwaltung ist nur mit"),
        ("/en/admin/", "/en/accounts/2fa/totp/activate/", "The administration is only available"),
    ],
)
def test_staff_without_authenticator_redirected_from_admin_to_setup(
    client, organiser, require_mfa, path, setup_url, message
):
    login(client, organiser.email, next_url=reverse("members:home"))

    response = client.get(path, follow=True)

    assert response.redirect_chain[0] == (setup_url, 302)
    assert response.status_code == 200
    # allauth first asks for the password again; the message says why the user is here.
    assert message in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == setup_url
    assert 'id="authenticator_secret"' in response.content.decode()
    assert not Authenticator.objects.filter(user=organiser).exists()


def test_staff_with_authenticator_admin_opens(client, organiser, require_mfa):
    with_totp(organiser)
    client.force_login(organiser)

    assert client.get("/admin/").status_code == 200
    assert staff_mfa_required(organiser) is False


def test_superuser_without_authenticator_also_redirected(client, require_mfa):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_members_are_not_forced(client, require_mfa):
    member = MembershipFactory().user
    client.force_login(member)

    assert staff_mfa_required(member) is False
    assert client.get(reverse("members:home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    # The admin sends a member to its login, as before; not to the setup page.
    response = client.get("/admin/")
    assert response.status_code == 302 and "2fa" not in response["Location"]


def test_setting_off_no_redirect(client, organiser, settings):
    settings.FORUM_STAFF_REQUIRE_MFA = False
    client.force_login(organiser)

    assert client.get("/admin/").status_code == 200


def test_setting_defaults_to_not_debug():
    import os
    import subprocess
    import sys

    code = "import forum.settings as s; print(s.FORUM_STAFF_REQUIRE_MFA)"
    base = {k: v for k, v in os.environ.items() if k != "FORUM_STAFF_REQUIRE_MFA"}
    base["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    results = {}
    for debug, override in [("1", None), ("0", None), ("0", "0"), ("1", "1")]:
        env = {**base, "DEBUG": debug, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "forum.test"}
        if override is not None:
            env["FORUM_STAFF_REQUIRE_MFA"] = override
        output = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        results[(debug, override)] = output.stdout.strip()
    assert results == {
        ("1", None): "False",
        ("0", None): "True",
        ("0", "0"): "False",
        ("1", "1"): "True",
    }


def test_admin_logout_allowed_without_authenticator(client, organiser, require_mfa):
    client.force_login(organiser)

    response = client.post("/admin/logout/")

    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session


# --- Setting up and logging in ----------------------------------------------------------------


def test_activate_totp_page_shows_qr_and_secret(client, organiser, require_mfa):
    page = activate_page(client, organiser)
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'alt="QR-Code für Ihre Authenticator-App"' in page
    assert re.search(r'id="authenticator_secret" value="[A-Z2-7]{32}"', page)
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    # The CSP lets the QR code in as a data: image and nothing else inline.
    csp = client.get(reverse("mfa_activate_totp"))["Content-Security-Policy"]
    assert "img-src 'self' data:" in csp and "'unsafe-inline'" not in csp


def test_activate_totp_wrong_code_400_with_message(client, organiser, require_mfa):
    activate_page(client, organiser)

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 400
    assert "Falscher Code" in response.content.decode() or "Incorrect code" in (
        response.content.decode()
    )
    assert not Authenticator.objects.filter(user=organiser).exists()


def test_activate_totp_then_admin_opens_and_recovery_codes_shown(client, organiser, require_mfa):
    secret = secret_of(activate_page(client, organiser))

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200
    assert len(re.findall(r"\b\d{8}\b", codes_page.content.decode())) >= 10
    assert "Weiter zur Verwaltung" in codes_page.content.decode()
    assert client.get("/admin/").status_code == 200


def test_login_staff_with_totp_asks_for_code_then_admin(client, organiser, require_mfa):
    secret = with_totp(organiser)

    response = login(client, organiser.email)

    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    assert client.get(response["Location"]).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_login_with_recovery_code_works_once(client, organiser, require_mfa):
    with_totp(organiser)
    code = RecoveryCodes(Authenticator.objects.get(user=organiser, type="recovery_codes"))
    recovery_code = code.get_unused_codes()[0]

    login(client, organiser.email)
    response = client.post(reverse("mfa_authenticate"), {"code": recovery_code})

    assert response.status_code == 302 and client.session["_auth_user_id"] == str(organiser.pk)
    assert client.get("/admin/").status_code == 200

    client.logout()
    login(client, organiser.email)
    response = client.post(reverse("mfa_authenticate"), {"code": recovery_code})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_member_may_activate_totp_from_account_page(client):
    member = MembershipFactory().user
    secret = secret_of(activate_page(client, member))

    home = client.get(reverse("members:home")).content.decode()
    assert 'href="/accounts/2fa/"' in home
    assert "Zwei-Faktor-Authentifizierung" in home
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert Authenticator.objects.filter(user=member, type="totp").exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Zwei-Faktor-Authentifizierung"), ("en", "Two-Factor Authentication")],
)
def test_mfa_pages_render_in_both_languages(client, organiser, language, heading):
    with_totp(organiser)
    client.force_login(organiser)
    prefix = "" if language == "de" else "/en"
    reauthenticate(client, prefix)

    for path in ["/accounts/2fa/", "/accounts/2fa/recovery-codes/"]:
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert f'<html lang="{language}"' in page
        assert page.count("<h1") == 1, path
    assert heading in client.get(prefix + "/accounts/2fa/").content.decode()
    response = client.get(prefix + "/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 200 and response.content.decode().count("<h1") == 1
