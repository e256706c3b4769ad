"""Delivery over a real SMTP connection to an in-process server (tests/notifications/smtp.py).

Celery runs eagerly in tests, so a retry the delivery schedules runs at once: a test sees the
whole sequence of attempts up to success or the last one.
"""

import socket
from collections import Counter

import pytest
from django.test import override_settings
from django.utils import timezone

from forum.notifications import services
from forum.notifications.models import EmailState, Notification
from forum.notifications.tasks import deliver_batch_task
from members.models import User
from tests.factories import organiser

from .factories import NotificationFactory
from .smtp import _free_port, smtp_sink

pytestmark = pytest.mark.django_db

TRY_LATER = "451 4.3.0 Mailbox busy, try again later"
NO_SUCH_USER = "550 5.1.1 No such user here"


def test_mass_mail_250_recipients_batches_of_100_use_three_connections(
    django_capture_on_commit_callbacks,
):
    people = User.objects.bulk_create(
        User(email=f"teilnehmer{i:03}@example.org", first_name="T", last_name=str(i))
        for i in range(250)
    )

    with (
        smtp_sink(NOTIFICATIONS_BATCH_SIZE=100) as sink,
        django_capture_on_commit_callbacks(execute=True),
    ):
        mass_mail = services.mass_mail_send(
            actor=organiser(),
            recipients=people,
            subject_de="Raumänderung",
            body_de="Die Veranstaltung findet in Raum 2 statt.",
        )

    assert mass_mail.recipient_count == 250
    assert sink.connections == 3
    assert sorted(Counter(r.connection for r in sink.received).values()) == [50, 100, 100]
    assert sink.recipients == sorted(p.email for p in people)
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()


def test_smtp_451_every_time_retried_until_max_attempts_then_failed(
    django_capture_on_commit_callbacks,
):
    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=4) as sink:
        sink.answer_data(*[TRY_LATER] * 10)
        with django_capture_on_commit_callbacks(execute=True):
            notification = NotificationFactory()
            services.dispatch([notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert notification.email_attempts == 4
    assert "451" in notification.email_last_error
    assert "Mailbox busy, try again later" in notification.email_last_error
    assert notification.email_sent_at is None
    assert sink.data_commands == 4 and sink.received == []


@pytest.mark.parametrize("where", ["DATA", "RCPT"])
def test_smtp_550_fails_after_one_attempt(where):
    notification = NotificationFactory()

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=5) as sink:
        if where == "DATA":
            sink.answer_data(NO_SUCH_USER)
        else:
            sink.refuse(notification.recipient.email, NO_SUCH_USER)
        outcome = services.notification_deliver_batch(notification_ids=[notification.pk])

    assert outcome == {"failed": 1}
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert notification.email_attempts == 1
    assert "550" in notification.email_last_error
    assert sink.received == []


def test_smtp_451_twice_then_250_sends_once_on_third_attempt():
    notification = NotificationFactory()

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=5) as sink:
        sink.answer_data(TRY_LATER, TRY_LATER)
        deliver_batch_task.delay([notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 3
    assert notification.email_last_error == ""
    assert sink.data_commands == 3
    assert len(sink.received) == 1
    # The same Message-ID on every try, so a receiving system can recognise a repeat.
    assert sink.received[0].message["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"


def test_smtp_unreachable_server_is_retried_then_failed():
    notification = NotificationFactory()
    closed_port = _free_port()  # nothing listens there

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port,
        EMAIL_TIMEOUT=2,
        NOTIFICATIONS_MAX_ATTEMPTS=3,
    ):
        deliver_batch_task.delay([notification.pk])

    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert notification.email_attempts == 3
    assert "ConnectionRefusedError" in notification.email_last_error


def test_smtp_unreachable_server_twice_leaves_rest_of_batch_pending(monkeypatch):
    notifications = NotificationFactory.create_batch(5)
    scheduled = []
    # Record the retry instead of running it at once (eager Celery ignores countdowns).
    monkeypatch.setattr(
        deliver_batch_task, "apply_async", lambda args, countdown: scheduled.append(args[0])
    )

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_free_port(),  # nothing listens there
        EMAIL_TIMEOUT=2,
    ):
        outcomes = services.notification_deliver_batch(
            notification_ids=[n.pk for n in notifications]
        )

    assert outcomes == {"retry": 2, "deferred": 3}
    attempts = [Notification.objects.get(pk=n.pk).email_attempts for n in notifications]
    assert attempts == [1, 1, 0, 0, 0]
    assert scheduled == [[notifications[0].pk, notifications[1].pk]]
    # Untouched rows stay pending and due: the periodic dispatch sends them later.
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"pending"}


def test_smtp_soft_time_limit_ends_batch_and_leaves_row_pending(monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    first, second = NotificationFactory.create_batch(2)

    def out_of_time(self, message):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services.Mailer, "send", out_of_time)

    with pytest.raises(SoftTimeLimitExceeded):
        services.notification_deliver_batch(notification_ids=[first.pk, second.pk])

    for notification in (first, second):
        notification.refresh_from_db()
        assert notification.email_state == EmailState.PENDING
        assert notification.email_attempts == 0


def test_smtp_retry_delay_doubles_between_attempts(monkeypatch):
    """A stand-in broker records when each retry is asked for; the test runs it by hand."""
    queued = []
    monkeypatch.setattr(
        deliver_batch_task,
        "apply_async",
        lambda args, countdown=None, **kwargs: queued.append((list(args[0]), countdown)),
    )
    notification = NotificationFactory()
    waits = []

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=4, NOTIFICATIONS_RETRY_BACKOFF=60) as sink:
        sink.answer_data(*[TRY_LATER] * 4)
        for _attempt in range(4):
            before = timezone.now()
            services.notification_deliver_batch(notification_ids=[notification.pk])
            notification.refresh_from_db()
            waits.append((notification.email_next_attempt_at - before).total_seconds())

    assert queued == [([notification.pk], 60), ([notification.pk], 120), ([notification.pk], 240)]
    # The row says when the retry is due: the same doubling.
    assert [round(w) for w in waits[:3]] == [60, 120, 240]
    assert notification.email_state == EmailState.FAILED and notification.email_attempts == 4


def test_smtp_refused_recipient_does_not_spoil_rest_of_batch():
    rows = [NotificationFactory() for _ in range(4)]
    refused = rows[1]

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=5) as sink:
        sink.refuse(refused.recipient.email, NO_SUCH_USER)
        outcome = services.notification_deliver_batch(notification_ids=[r.pk for r in rows])

    assert outcome == {"sent": 3, "failed": 1}
    assert sink.recipients == sorted(r.recipient.email for r in rows if r is not refused)
    # The connection is closed after the error and a new one opened for the rest.
    assert sink.connections == 2


def test_smtp_message_is_multipart_with_forum_headers():
    notification = NotificationFactory(
        context={
            "member_name": "Nora Kahl",
            "organisation_name": "Harzer Zinkhütte GmbH",
            "url": "/members/harzer-zinkhuette/people/",
        }
    )

    with smtp_sink() as sink:
        services.notification_deliver_batch(notification_ids=[notification.pk])

    (received,) = sink.received
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["X-Forum-Notification"] == str(notification.pk)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"
    assert message["To"] == notification.recipient.email
    assert "Nora Kahl" in message["Subject"]
    assert "/members/harzer-zinkhuette/people/" in received.text
    assert 'href="http://127.0.0.1:8000/members/harzer-zinkhuette/people/"' in received.html


def test_smtp_sink_port_is_closed_after_stop():
    """The helper itself: nothing keeps listening (or a socket open) after a test."""
    with smtp_sink() as sink:
        port = sink.port

    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))
