"""P5: 500 simultaneous registration attempts over HTTP for 100 seats (exactly 100 confirmed).

Creates one event with 100 seats and a waiting list and 500 member accounts, each with a
logged-in session made beforehand (a session row and a CSRF secret, as a browser would
have them after logging in), starts gunicorn on loopback with the bench settings, opens one
connection per member and releases all 500 POSTs to /events/<slug>/register/ at once with
a barrier. Prints confirmed, waitlisted, errors (anything but 2xx/3xx, or no answer) and
registrations per second, and checks the target: exactly 100 confirmed, 400 waitlisted,
no error.
"""

import http.client
import threading
import time
from urllib.parse import urlencode

ATTEMPTS = 500
SEATS = 100
SLUG = "bench-p5"
# Two cores on the reference machine: two worker processes with threads; the listen
# backlog takes the 500 connections that arrive at once.
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "8"]
GUNICORN += ["--backlog", "2048", "--timeout", "120", "--no-control-socket"]
GUNICORN += ["--error-logfile", "-", "--log-level", "warning"]


def _prepare() -> list[tuple[str, str, str]]:
    """The event and 500 logged-in members: [(path, session key, csrf secret), ...]."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse
    from django.utils import timezone

    from events.models import Event
    from members.models import User

    Event.objects.create(
        kind=Event.Kind.WORKSHOP,
        title="Benchmark-Workshop",
        slug=SLUG,
        summary="P5",
        venue_name="Loopback",
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=6),
        status=Event.Status.PUBLISHED,
        capacity=SEATS,
        waiting_list=True,
    )
    password = make_password("bench-p5")
    User.objects.bulk_create(
        User(
            email=f"bench-p5-{n:04d}@example.org",
            first_name="Bench",
            last_name=f"{n:04d}",
            password=password,
        )
        for n in range(ATTEMPTS)
    )
    backend = settings.AUTHENTICATION_BACKENDS[0]
    clients = []
    path = reverse("events:register", args=[SLUG])
    for user in User.objects.filter(email__startswith="bench-p5-").order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append((path, session.session_key, _get_new_csrf_string()))
    return clients


def _attack(port: int, clients) -> tuple[dict, list[str], float]:
    from django.conf import settings

    barrier = threading.Barrier(len(clients) + 1)
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    finished: list[float] = []

    def one(path, session_key, csrf):
        body = urlencode({"csrfmiddlewaretoken": csrf, "dietary_needs": ""}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}",
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.connect()
            barrier.wait(timeout=120)
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
                finished.append(time.perf_counter())
            return
        finally:
            connection.close()
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=one, args=client) for client in clients]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    return statuses, errors, max(finished, default=started) - started


def run() -> None:
    from bench.db import setup_django

    setup_django()
    clients = _prepare()
    from bench.server import gunicorn

    with gunicorn(GUNICORN) as server:
        statuses, errors, seconds = _attack(server.port, clients)
    log_text = server.log

    from events.models import Registration

    registrations = Registration.objects.filter(event__slug=SLUG)
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).count()
    waitlisted = registrations.filter(status=Registration.Status.WAITLISTED).count()
    bad = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    failures = bad + len(errors)
    print(f"   gunicorn {' '.join(GUNICORN[:6])}; {ATTEMPTS} POSTs released at once by a barrier")
    print(
        f"   confirmed {confirmed}  waitlisted {waitlisted}  errors {failures}  "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    print(f"   {ATTEMPTS / seconds:.1f} registrations/s ({seconds:.2f} s for all {ATTEMPTS})")
    met = confirmed == SEATS and waitlisted == ATTEMPTS - SEATS and failures == 0
    print(
        f"   target exactly {SEATS} confirmed, {ATTEMPTS - SEATS} waitlisted, no error: "
        f"{'met' if met else 'NOT met'}"
    )
    if failures:
        print("   errors:", errors[:5])
        print(log_text[-3000:])
