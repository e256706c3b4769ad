"""allauth's mails (password reset, address confirmation) go through the outbox: recorded in
the request, sent after commit, retried like every other mail, and their secret link is
neither shown in the admin nor kept once the mail is out."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from kombu.exceptions import OperationalError

from forum.notifications import services
from forum.notifications.models import EmailState, Notification
from forum.notifications.tasks import deliver_batch_task
from tests.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/password/reset/key/\S+/")


def _request_reset(client, email, capture, language="de"):
    path = reverse("account_reset_password")
    if language == "en":
        with translation.override("en"):
            path = reverse("account_reset_password")
    with capture(execute=True):
        return client.post(path, {"email": email})


def test_password_reset_mail_is_recorded_sent_and_its_link_forgotten(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="greta.lindner@example.org")

    response = _request_reset(client, user.email, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    notification = Notification.objects.get(kind="account.mail")
    assert notification.recipient == user and notification.category == "account"
    assert not notification.in_app
    assert notification.email_state == EmailState.SENT
    assert notification.context == {"template": "account/email/password_reset_key"}
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.extra_headers["X-Forum-Notification"] == str(notification.pk)
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    # The link works: it sets a new password.
    link = LINK.search(message.body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "Neues-Passwort-2026!", "password2": "Neues-Passwort-2026!"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026!")


def test_password_reset_mail_in_english_for_english_request(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="english@example.org")

    _request_reset(client, user.email, django_capture_on_commit_callbacks, language="en")

    notification = Notification.objects.get(kind="account.mail")
    assert notification.language == "en"
    [message] = mail.outbox
    assert message.subject == "Set a new password"
    assert "/en/accounts/password/reset/key/" in message.body


def test_password_reset_broker_down_still_succeeds_and_sends_later(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    user = UserFactory(email="outage@example.org")

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(deliver_batch_task, "delay", unreachable)
        response = _request_reset(client, user.email, django_capture_on_commit_callbacks)

    # The person sees the usual "we sent you an email" page; the mail waits in the outbox.
    assert response.status_code == 302
    notification = Notification.objects.get(kind="account.mail")
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_dispatch_due(stale_after=0) == 1

    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert LINK.search(mail.outbox[0].body)


def test_password_reset_link_is_hidden_in_admin_while_pending(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    user = UserFactory(email="pending@example.org")
    monkeypatch.setattr(deliver_batch_task, "delay", lambda *a, **k: None)
    _request_reset(client, user.email, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(kind="account.mail")
    assert "/password/reset/key/" in notification.context["body"]  # waiting to be sent

    staff = organiser()
    client.force_login(staff)
    page = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))

    assert page.status_code == 200
    assert "/password/reset/key/" not in page.content.decode()


def test_password_reset_link_is_left_out_of_the_data_export(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from forum.notifications.privacy import export_notifications

    user = UserFactory(email="export@example.org")
    monkeypatch.setattr(deliver_batch_task, "delay", lambda *a, **k: None)
    _request_reset(client, user.email, django_capture_on_commit_callbacks)

    exported = export_notifications(user)["notifications"]

    assert [row["kind"] for row in exported] == ["account.mail"]
    assert exported[0]["context"] == {}


def test_signup_confirmation_mail_is_sent_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Lena",
                "last_name": "Hoffmann",
                "email": "lena.neu@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    notification = Notification.objects.get(kind="account.mail")
    assert notification.context["template"].startswith("account/email/email_confirmation")
    assert notification.email_state == EmailState.SENT
    assert mail.outbox[0].to == ["lena.neu@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
