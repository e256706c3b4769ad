"""The notification outbox with real processes: a Celery worker (and beat) over Redis,
gunicorn, an SMTP server. What the unit tests cannot show: a killed worker or a broker that
is down at commit time delays an email but neither loses nor doubles it, and SMTP answers
are retried as promised (PRODUCT.md 3.4)."""

import re
from collections import Counter
from http.cookies import SimpleCookie
from itertools import pairwise
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from forum.notifications.models import EmailState, MassMail, Notification
from members.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, organiser

# Rows must be committed for the worker to see them; tests/conftest.py re-creates what the
# data migrations wrote (organisers group, topics) before each transactional test.
pytestmark = pytest.mark.django_db(transaction=True)

TASKS = ("notifications.deliver_batch", "notifications.dispatch_due", "notifications.send_digests")


# Mass mails are recorded in a subprocess with the worker settings, which publishes them after
# commit to the test broker exactly as a web process would. This process's Celery app stays
# eager, as every other test expects: pointing it at another broker for one test would mean
# resetting Celery's and kombu's cached connection and producer pools, which outlive the test.
SEND_MASS_MAIL = """
import sys

import django

django.setup()
from forum.notifications import services
from members.models import User

count = int(sys.argv[2])
mass_mail = services.mass_mail_send(
    actor=User.objects.get(pk=int(sys.argv[1])),
    recipients=[services.Recipient(email=f"guest{i:04d}@example.org") for i in range(count)],
    subject_de="Raumänderung",
    body_de="Der Workshop findet in Raum 2 statt.",
)
print(mass_mail.pk)
"""


def _mass_mail(run_django, count: int, *, broker: str) -> MassMail:
    output = run_django(SEND_MASS_MAIL, organiser().pk, count, broker=broker)
    return MassMail.objects.get(pk=int(output.split()[-1]))


def _states(mass_mail) -> Counter:
    return Counter(
        Notification.objects.filter(mass_mail=mass_mail).values_list("email_state", flat=True)
    )


def test_worker_registers_notification_tasks_and_beat_schedules_dispatch(start_worker, broker_url):
    worker = start_worker(broker=broker_url, beat=True)

    banner = worker.log()
    registered = set(re.findall(r"^\s*\. (\S+)$", banner.split("[tasks]", 1)[-1], re.M))
    worker.wait_for_log(
        "Sending due task notifications-dispatch-due (notifications.dispatch_due)", timeout=30
    )
    worker.wait_for_log("Task notifications.dispatch_due[", timeout=15)

    assert set(TASKS) <= registered, banner


def _batches(worker, event: str) -> list[str]:
    """Ids of the deliver_batch tasks the worker logged as ``received`` or ``succeeded``."""
    return re.findall(rf"Task notifications\.deliver_batch\[([0-9a-f-]+)\] {event}", worker.log())


def test_worker_killed_mid_batch_loses_and_doubles_nothing(
    start_worker, broker_url, smtp_server, run_django, wait_until
):
    smtp_server.block_at(120)  # the 20th of the second batch of 100
    first = start_worker(broker=broker_url)
    mass_mail = _mass_mail(run_django, 300, broker=broker_url)  # three batches of 100
    ids = set(mass_mail.notifications.values_list("pk", flat=True))

    wait_until(smtp_server.blocked.is_set, timeout=60, what="the 120th message at the sink")
    first.kill()
    smtp_server.release()  # its client is gone: the message was never accepted
    smtp_server.block_at(None)
    blocked_id = smtp_server.attempts[119][0]
    second_batch = _batches(first, "received")[1]
    assert len(smtp_server.accepted) == 119
    assert _states(mass_mail) == {"sent": 119, "pending": 181}

    # The killed worker never acknowledged batch 2 (acks_late): Redis hands it out again
    # once its visibility timeout (shortened here) has passed, so rows 101-119 are offered
    # twice. Beat re-dispatches whatever else is still pending.
    second = start_worker(broker=broker_url, beat=True, FORUM_TEST_VISIBILITY_TIMEOUT=2)
    wait_until(
        lambda: (
            _states(mass_mail) == {"sent": 300} and second_batch in _batches(second, "succeeded")
        ),
        timeout=60,
        what="all 300 notifications sent and batch 2 run again",
    )

    received = Counter(smtp_server.accepted)
    assert set(received) == ids
    assert max(received.values()) == 1, [pk for pk, n in received.items() if n > 1]
    replies = [reply for _at, reply in smtp_server.attempts_for(blocked_id)]
    assert replies == ["blocked", "250 2.0.0 OK"]


def _cookies(response) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


class _NoRedirect(HTTPRedirectHandler):
    """Hands a redirect back to the caller instead of following it."""

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def test_invitation_with_broker_down_at_commit_is_sent_when_it_is_back(
    private_redis, start_web, start_worker, smtp_server, wait_until
):
    """The web process cannot reach Redis when the invitation commits: the admin still gets
    the success redirect, the row stays pending, and beat sends it once Redis is back."""
    org = OrganisationFactory()
    admin = MembershipFactory(organisation=org, role=Membership.Role.ADMIN).user
    client = Client()
    client.force_login(admin)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    port = start_web(broker=private_redis.url)
    url = f"http://127.0.0.1:{port}" + reverse("members:organisation_members", args=[org.slug])
    opener = build_opener(_NoRedirect)

    def request(data=None):
        body = urlencode(data).encode() if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        with opener.open(Request(url, data=body, headers=headers), timeout=30) as response:
            cookies.update(_cookies(response))
            return response.status, response.read()

    status, _page = request()
    assert status == 200 and "csrftoken" in cookies
    private_redis.stop()

    status, _body = request(
        {"csrfmiddlewaretoken": cookies["csrftoken"], "email": "neu@example.org", "role": "member"}
    )

    assert status == 302  # the invitation is made although nothing could be queued
    notification = Notification.objects.get(kind="members.invitation", email="neu@example.org")
    assert notification.email_state == EmailState.PENDING

    private_redis.start()
    start_worker(broker=private_redis.url, beat=True)
    # The sink records the message before its 250 reaches the worker, which only then marks
    # the row sent: wait for the row, not for the sink.
    wait_until(
        lambda: Notification.objects.filter(
            pk=notification.pk, email_state=EmailState.SENT
        ).exists(),
        timeout=30,
        what="the invitation email sent",
    )
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert smtp_server.accepted == [notification.pk]
    host = urlsplit(settings.SITE_URL).hostname
    assert smtp_server.message_ids[notification.pk] == f"<notification-{notification.pk}@{host}>"


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in pairwise(times)]


def test_smtp_451_is_retried_with_backoff_then_failed(
    start_worker, broker_url, smtp_server, run_django, wait_until
):
    smtp_server.default_reply = "451 4.3.0 Mailbox busy, try later"
    start_worker(broker=broker_url)
    notification = _mass_mail(run_django, 1, broker=broker_url).notifications.get()

    wait_until(
        lambda: Notification.objects.filter(pk=notification.pk, email_state="failed").exists(),
        timeout=30,
        what="the notification to fail",
    )

    notification.refresh_from_db()
    attempts = smtp_server.attempts_for(notification.pk)
    assert notification.email_attempts == len(attempts) == 3  # NOTIFICATIONS_MAX_ATTEMPTS
    assert "451" in notification.email_last_error
    assert "Mailbox busy, try later" in notification.email_last_error
    first_gap, second_gap = _gaps([at for at, _reply in attempts])
    assert first_gap >= 0.9 and second_gap >= 1.8  # 1 s, then 2 s (NOTIFICATIONS_RETRY_BACKOFF)
    assert smtp_server.accepted == []


def test_smtp_451_twice_then_250_is_sent_once(
    start_worker, broker_url, smtp_server, run_django, wait_until
):
    smtp_server.reply_next("451 4.3.0 Try later", "451 4.3.0 Try later")
    start_worker(broker=broker_url)
    notification = _mass_mail(run_django, 1, broker=broker_url).notifications.get()

    wait_until(
        lambda: Notification.objects.filter(pk=notification.pk, email_state="sent").exists(),
        timeout=30,
        what="the notification to be sent",
    )

    notification.refresh_from_db()
    assert notification.email_attempts == 3 and notification.email_last_error == ""
    assert [reply[:3] for _at, reply in smtp_server.attempts_for(notification.pk)] == [
        "451",
        "451",
        "250",
    ]
    assert smtp_server.accepted == [notification.pk]
