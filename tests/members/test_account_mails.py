"""allauth's mails in the platform's own voice (issue 11), in both languages, and who is
logged in after confirming the address.

Decision: confirming logs the person in only in the browser session that signed up (allauth
keeps the pending login there; ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION). A link opened in
another browser or on another device confirms the address and leads to the login page: a
mailed link must not log in whoever happens to hold it."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Lena",
    "last_name": "Hoffmann",
    "email": "lena.hoffmann@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def _sign_up(client, capture, prefix=""):
    with capture(execute=True):
        response = client.post(f"{prefix}/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    [message] = mail.outbox
    return message


def test_signup_mail_in_the_platforms_voice_in_german(client, django_capture_on_commit_callbacks):
    message = _sign_up(client, django_capture_on_commit_callbacks)

    assert message.subject == (
        "Willkommen im Innovationsforum Harz: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )
    body = message.body
    assert body.startswith("Guten Tag Lena Hoffmann,")
    assert "Vielen Dank für Ihre Registrierung im Innovationsforum Recyclingregion Harz." in body
    assert "Danach sind Sie angemeldet" in body
    assert "Mit freundlichen Grüßen" in body
    assert "Hello from" not in body and "example.com" not in body
    assert "/accounts/confirm-email/" in body


def test_signup_mail_in_the_platforms_voice_in_english(client, django_capture_on_commit_callbacks):
    message = _sign_up(client, django_capture_on_commit_callbacks, prefix="/en")

    assert message.body.startswith("Hello Lena Hoffmann,")
    assert "Thank you for signing up at the Innovation Forum Recycling Region Harz." in message.body
    assert "Kind regards" in message.body
    assert "/en/accounts/confirm-email/" in message.body


def test_confirming_in_the_same_session_logs_in(client, django_capture_on_commit_callbacks):
    link = _path(_sign_up(client, django_capture_on_commit_callbacks).body)
    assert "_auth_user_id" not in client.session

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert client.session.get("_auth_user_id")
    landing = client.get(response["Location"], follow=True)
    assert landing.redirect_chain[-1][0] == reverse("members:onboarding")
    assert landing.status_code == 200


def test_confirming_in_another_browser_confirms_but_asks_to_log_in(
    client, django_capture_on_commit_callbacks
):
    link = _path(_sign_up(client, django_capture_on_commit_callbacks).body)
    other_browser = Client()

    response = other_browser.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert "_auth_user_id" not in other_browser.session
    assert response["Location"].startswith(reverse("account_login"))
    # ... where the confirmed address and the password now work.
    logged_in = other_browser.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    assert other_browser.session.get("_auth_user_id")


def test_password_reset_mail_in_german(client, django_capture_on_commit_callbacks):
    UserFactory(email="greta@example.org", first_name="Greta", last_name="Lindner")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "greta@example.org"})

    [message] = mail.outbox
    assert message.subject == "Neues Passwort festlegen"
    assert message.body.startswith("Guten Tag Greta Lindner,")
    assert "Mit diesem Link legen Sie ein neues Passwort fest:" in message.body
    assert "Ihr Passwort bleibt unverändert." in message.body


def test_signup_with_a_taken_address_gets_the_already_exists_mail(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email=SIGNUP["email"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)

    [message] = mail.outbox
    assert message.subject == "Sie haben bereits ein Konto"
    assert "Mit dieser Adresse gibt es bereits ein Konto." in message.body
    assert "/accounts/password/reset/" in message.body
