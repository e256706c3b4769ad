"""Races as they happen: threads, each with its own PostgreSQL connection, against a real SMTP
server that holds every DATA command long enough for the other thread to arrive.

Each race has a canary that runs the same code without the row lock and shows the race is
real (two emails), so the passing test proves the lock, not luck.
"""

import threading

import pytest
from django.db import connection, transaction

from forum import locking
from forum.notifications import services
from forum.notifications.models import EmailState, Notification
from tests.factories import UserFactory

from .factories import NotificationFactory
from .smtp import smtp_sink

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(count, work):
    """Runs ``work()`` in ``count`` threads released together; returns results or errors."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # reported to the test, not lost in the thread
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _deliver_twice_at_once(notification):
    with smtp_sink() as sink:
        sink.delay = 1.0
        outcomes = _in_threads(
            2, lambda: services.notification_deliver_batch(notification_ids=[notification.pk])
        )
    return sink, outcomes


def test_deliver_same_notification_in_two_threads_sends_once():
    notification = NotificationFactory()

    sink, outcomes = _deliver_twice_at_once(notification)

    assert sorted(outcomes, key=str) == [{"sent": 1}, {"skipped": 1}]
    assert sink.recipients == [notification.recipient.email]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and notification.email_attempts == 1


def test_deliver_same_notification_without_row_lock_sends_twice_canary(monkeypatch):
    """Without SELECT … FOR UPDATE both threads read 'pending' and both send."""
    monkeypatch.setattr(locking, "ENABLED", False)
    notification = NotificationFactory()

    sink, outcomes = _deliver_twice_at_once(notification)

    assert outcomes == [{"sent": 1}, {"sent": 1}]
    assert sink.recipients == [notification.recipient.email] * 2


def test_notify_same_dedup_key_in_two_transactions_at_once_keeps_one_row():
    """The second insert waits on the unique index, then takes the first one's row, and
    neither caller's transaction breaks."""
    user = UserFactory()

    def record():
        with transaction.atomic():
            notification = services.notify(
                kind="members.member_joined",
                recipient=user,
                context={"member_name": "Nora Kahl", "organisation_name": "O"},
                dedup_key="members.member_joined:race",
            )
            # Hold the transaction open so the twin inserts before this one commits.
            threading.Event().wait(0.5)
            return notification.pk

    results = _in_threads(2, record)

    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == 1
    assert Notification.objects.filter(dedup_key="members.member_joined:race").count() == 1


def test_dispatch_due_skips_rows_a_worker_is_sending():
    sending, waiting = NotificationFactory(stale=True), NotificationFactory(stale=True)
    locked, release = threading.Event(), threading.Event()

    def worker_holding_the_row():
        try:
            with transaction.atomic():
                locking.lock_one(Notification, sending.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    worker = threading.Thread(target=worker_holding_the_row)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        # Outside any transaction on_commit runs at once: the picked row is sent now.
        count = services.notification_dispatch_due(stale_after=60)
    finally:
        release.set()
        worker.join(timeout=30)

    assert count == 1
    waiting.refresh_from_db()
    sending.refresh_from_db()
    assert waiting.email_state == EmailState.SENT
    assert sending.email_state == EmailState.PENDING
