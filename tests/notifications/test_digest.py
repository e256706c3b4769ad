"""The daily digest: one email per user for everything that waited for it."""

import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext, ngettext

from forum import locking
from forum.notifications import services
from forum.notifications.models import Delivery, EmailState, Notification, NotificationPreference
from forum.notifications.tasks import send_digests_task
from tests.factories import ProfileFactory, UserFactory

from .factories import NotificationFactory
from .smtp import smtp_sink

pytestmark = pytest.mark.django_db


def digest_reader(language="de", **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, preferred_language=language)
    NotificationPreference.objects.create(
        user=user, category="organisation", delivery=Delivery.DIGEST
    )
    return user


def joined(recipient, name, slug="harzer-zinkhuette"):
    """Recorded through the service, so the digest preference decides the state."""
    return services.notify(
        kind="members.member_joined",
        recipient=recipient,
        context={
            "member_name": name,
            "organisation_name": "Harzer Zinkhütte GmbH",
            "url": f"/members/{slug}/people/",
        },
    )


def subject_of(name, language="de"):
    with translation.override(language):
        return gettext("%(name)s joined %(organisation)s") % {
            "name": name,
            "organisation": "Harzer Zinkhütte GmbH",
        }


def summary(count, language):
    with translation.override(language):
        return ngettext(
            "Your daily summary: %(counter)s new notification",
            "Your daily summary: %(counter)s new notifications",
            count,
        ) % {"counter": count}


def test_digest_send_all_one_email_per_recipient(django_capture_on_commit_callbacks):
    first, second = digest_reader(), digest_reader()
    with django_capture_on_commit_callbacks(execute=True):
        for name in ["Anna Alt", "Bernd Bau", "Clara Cord"]:
            joined(first, name)
        for name in ["Dora Dach", "Emil Esch"]:
            joined(second, name)
    assert mail.outbox == []  # nothing goes out before the digest

    outcomes = services.digest_send_all()

    assert outcomes == {"sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    first_mail = by_address[first.email]
    assert first_mail.subject == summary(3, "de")
    for name in ["Anna Alt", "Bernd Bau", "Clara Cord"]:
        assert f"* {subject_of(name)} (" in first_mail.body
    assert "Dora Dach" not in first_mail.body
    assert by_address[second.email].subject == summary(2, "de")
    rows = Notification.objects.all()
    assert {row.email_state for row in rows} == {EmailState.SENT}
    assert all(row.email_sent_at is not None and row.email_attempts == 1 for row in rows)


def test_digest_send_all_second_run_sends_nothing():
    NotificationFactory(digest=True)
    services.digest_send_all()
    mail.outbox.clear()

    outcomes = send_digests_task.delay().get()

    assert outcomes == {} and mail.outbox == []


def test_digest_leaves_out_rows_in_other_states():
    reader = digest_reader()
    waiting = NotificationFactory(recipient=reader, digest=True)
    NotificationFactory(recipient=reader, sent=True)
    NotificationFactory(recipient=reader, failed=True)
    NotificationFactory(recipient=reader, email_state=EmailState.SKIPPED)

    services.digest_send_all()

    (message,) = mail.outbox
    assert message.subject == summary(1, "de")
    assert waiting.context["member_name"] in message.body
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 2


@pytest.mark.parametrize("language", ["de", "en"])
def test_digest_email_text_in_recipients_language(language, django_capture_on_commit_callbacks):
    reader = digest_reader(language, first_name="Jonas", last_name="Wendt")
    with django_capture_on_commit_callbacks(execute=True):
        first = joined(reader, "Nora Kahl")
        joined(reader, "Emil Esch", slug="tu-clausthal")

    services.digest_send_all()

    (message,) = mail.outbox
    prefix = settings.SITE_URL + ("/en" if language == "en" else "")
    with translation.override(language):
        hello = gettext("Hello %(name)s,") % {"name": "Jonas Wendt"}
        intro = gettext(
            "Here is what happened on the Innovation Forum Recycling Region Harz since your "
            "last summary:"
        )
        all_line = gettext("All your notifications:")
        change = gettext("You get this summary once a day because you chose it. Change that here:")
        all_link = gettext("All your notifications")
        settings_link = gettext("Change your email settings")
    assert message.subject == summary(2, language)
    assert message.body.startswith(hello)
    assert intro in message.body
    assert f"* {subject_of('Nora Kahl', language)} (" in message.body
    assert f"  {prefix}/members/harzer-zinkhuette/people/" in message.body
    assert f"  {prefix}/members/tu-clausthal/people/" in message.body
    assert f"{all_line} {prefix}/notifications/" in message.body
    assert f"{change} {prefix}/members/me/profile/#notifications" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and f'<html lang="{language}">' in html
    assert (
        f'<a href="{prefix}/members/harzer-zinkhuette/people/" style="color: #1d5c3a;">'
        f"{subject_of('Nora Kahl', language)}</a>"
    ) in html
    assert f'<a href="{prefix}/notifications/" style="color: #1d5c3a;">{all_link}</a>' in html
    assert f'href="{prefix}/members/me/profile/#notifications"' in html and settings_link in html
    assert message.extra_headers["Message-ID"] == f"<digest-{reader.pk}-{first.pk}@127.0.0.1>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    if language == "de":
        assert "/en/" not in message.body + html


def test_digest_deliver_nothing_waiting_is_empty():
    assert services.digest_deliver(user_id=UserFactory().pk) == "empty"
    assert mail.outbox == []


def test_digest_smtp_451_keeps_rows_waiting_and_counts_the_attempt(
    django_capture_on_commit_callbacks,
):
    reader = digest_reader()
    rows = [NotificationFactory(recipient=reader, digest=True) for _ in range(2)]

    with smtp_sink(NOTIFICATIONS_MAX_ATTEMPTS=3) as sink:
        sink.answer_data("451 4.3.0 Try again later")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            outcome = services.digest_deliver(user_id=reader.pk)

    assert outcome == "retry"
    assert len(callbacks) == 1  # the retry is queued after commit
    for row in rows:
        row.refresh_from_db()
        assert row.email_state == EmailState.DIGEST and row.email_attempts == 1
        assert "451" in row.email_last_error
    assert sink.received == []


def test_digest_smtp_550_marks_rows_failed():
    reader = digest_reader()
    rows = [NotificationFactory(recipient=reader, digest=True) for _ in range(2)]

    with smtp_sink() as sink:
        sink.refuse(reader.email, "550 5.1.1 No such user")
        outcome = services.digest_deliver(user_id=reader.pk)

    assert outcome == "failed"
    assert {r.email_state for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {
        EmailState.FAILED
    }


def test_digest_send_all_over_one_connection():
    readers = [digest_reader() for _ in range(3)]
    for reader in readers:
        NotificationFactory(recipient=reader, digest=True)

    with smtp_sink() as sink:
        services.digest_send_all()

    assert sink.connections == 1
    assert sink.recipients == sorted(r.email for r in readers)


@pytest.mark.django_db(transaction=True)
def test_digest_skips_rows_locked_by_another_transaction():
    reader = digest_reader()
    locked, *free = [NotificationFactory(recipient=reader, digest=True) for _ in range(3)]
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                locking.lock_one(Notification, locked.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        outcomes = services.digest_send_all()
    finally:
        release.set()
        holder.join(timeout=30)

    assert outcomes == {"sent": 1}
    (message,) = mail.outbox
    assert message.subject == summary(2, "de")
    assert locked.context["member_name"] not in message.body
    for row in free:
        assert row.context["member_name"] in message.body
    locked.refresh_from_db()
    assert locked.email_state == EmailState.DIGEST

    # Once the other transaction is done, the next run sends the rest.
    assert services.digest_send_all() == {"sent": 1}
    assert mail.outbox[1].subject == summary(1, "de")
