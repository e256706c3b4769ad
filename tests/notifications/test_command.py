"""``manage.py deliver_notifications``: delivery without broker or worker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from forum.notifications.models import EmailState, Notification

from .factories import NotificationFactory
from .smtp import smtp_sink

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("deliver_notifications", *args, stdout=out)
    return out.getvalue()


def test_deliver_notifications_sends_pending_and_reports_counts():
    pending = [NotificationFactory(stale=True) for _ in range(2)]
    NotificationFactory(sent=True)
    NotificationFactory(failed=True)
    NotificationFactory(digest=True)

    output = run()

    assert output == "notifications: sent 2\n"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in pending)
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 3


def test_deliver_notifications_nothing_to_send():
    assert run() == "notifications: nothing to send\n"


def test_deliver_notifications_leaves_retries_not_yet_due_unless_all():
    later = NotificationFactory(email_next_attempt_at=timezone.now() + timedelta(minutes=5))

    first = run()
    second = run("--all")

    assert first == "notifications: nothing to send\n"
    assert second == "notifications: sent 1\n"
    later.refresh_from_db()
    assert later.email_state == EmailState.SENT


def test_deliver_notifications_twice_sends_once():
    NotificationFactory()

    run()
    output = run()

    assert output == "notifications: nothing to send\n"
    assert len(mail.outbox) == 1


def test_deliver_notifications_digests_sends_digests():
    reader = NotificationFactory(digest=True).recipient
    NotificationFactory(digest=True, recipient=reader)
    NotificationFactory(digest=True)
    NotificationFactory()

    without = run()
    output = run("--digests")

    assert without == "notifications: sent 1\n"
    assert output == "notifications: nothing to send\ndigests: sent 2\n"
    assert len(mail.outbox) == 3
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()


def test_deliver_notifications_reports_failures_over_smtp():
    refused = NotificationFactory()  # first in line
    NotificationFactory()

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=5) as sink:
        sink.refuse(refused.recipient.email, "550 5.1.1 No such user")
        output = run()

    assert output == "notifications: failed 1, sent 1\n"
    assert sink.connections == 2  # reopened after the refused one
    refused.refresh_from_db()
    assert refused.email_state == EmailState.FAILED
