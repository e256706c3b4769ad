"""P5: 500 simultaneous registration attempts over HTTP for 100 seats, exactly 100 confirmed.

Creates one event with 100 seats and a waiting list and 500 member accounts, each with a
logged-in session made beforehand (a session row and a CSRF secret, as a browser would
have them after logging in), starts gunicorn on loopback with the bench settings and sends
all 500 POSTs to /events/<slug>/register/ at once: with wrk (bench/wrk_once.lua: one
connection per member, each posting once; the rate is timed from the first request sent to
the last answer received), or, without wrk or with FORUM_BENCH_P5_LOAD=python, from one
Python thread per member released by a barrier (those threads take much of the CPU the
server needs). Prints confirmed, waitlisted, the statuses and registrations per second
(target at least 300 per second). Anything but exactly 100 confirmed and 400 waitlisted, or an
answer other than 2xx/3xx (or none), means the benchmark broke.

Then, with wrk, the same members post once each to ``/bench/member-post/`` on the same
server: the CSRF check, session, account, message and redirect that every registration's
POST needs before it registers anyone. That rate is the ceiling of any synchronous
registration on this machine; registrations are given as a share of it too.

The event's times are fixed (``EVENT_DAY``, 10:00 to 17:00 in Berlin), never taken from
the clock: an event starting "now + 30 days" crossed midnight after 18:00, became a
two-day event whose form wants the days chosen, and every POST answered 400.
"""

import http.client
import os
import threading
import time
from datetime import date, datetime
from datetime import time as clock
from urllib.parse import urlencode

from bench.harness import Broken, at_least, exact, figure, sized
from bench.wrk import generator, wrk_path

ATTEMPTS = 500
SEATS = 100
TARGET_RATE = 300
EVENT_DAY = date(2099, 6, 10)  # a Wednesday far ahead: registration is open at any date
EVENT_HOURS = (clock(10), clock(17))
SLUG = "bench-p5"
# Two cores on the reference machine: two worker processes with threads; the listen
# backlog takes the 500 connections that arrive at once.
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "8"]
GUNICORN += ["--backlog", "2048", "--timeout", "120", "--no-control-socket"]
GUNICORN += ["--error-logfile", "-", "--log-level", "warning"]
# wrk keeps each member's connection open after its answer and opens a new one whenever the
# server closes it (after the 2 s keep-alive); the new idle connections would come back
# every 2 s for the whole run, load the server and could lose a POST. Idle connections
# stay open instead: they cost gunicorn's poller nothing, and every member posts once.
GUNICORN += ["--keep-alive", "600"]


def create_event(seats: int, slug: str = SLUG):
    """The one-day workshop with ``seats`` seats and a waiting list, at fixed times."""
    from events.models import BERLIN, Event

    return Event.objects.create(
        kind=Event.Kind.WORKSHOP,
        title="Benchmark-Workshop",
        slug=slug,
        summary="P5",
        venue_name="Loopback",
        starts_at=datetime.combine(EVENT_DAY, EVENT_HOURS[0], tzinfo=BERLIN),
        ends_at=datetime.combine(EVENT_DAY, EVENT_HOURS[1], tzinfo=BERLIN),
        status=Event.Status.PUBLISHED,
        capacity=seats,
        waiting_list=True,
    )


def _prepare(attempts: int, seats: int) -> list[tuple[str, str, str]]:
    """The event and the logged-in members: [(path, session key, csrf secret), ...]."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from bench.sessions import login
    from members.models import User

    create_event(seats)
    password = make_password("bench-p5")
    User.objects.bulk_create(
        User(
            email=f"bench-p5-{n:04d}@example.org",
            first_name="Bench",
            last_name=f"{n:04d}",
            password=password,
        )
        for n in range(attempts)
    )
    path = reverse("events:register", args=[SLUG])
    clients = []
    for user in User.objects.filter(email__startswith="bench-p5-").order_by("pk"):
        session = login(user)
        clients.append((path, session.session_key, session.csrf))
    return clients


def _warm_up(port: int, clients, connections: int = 8, each: int = 4) -> None:
    """GETs of the registration form as members, over several connections so that every
    worker has loaded its templates and opened its database connection before the clock
    runs (a GET registers nobody)."""
    from django.conf import settings

    from bench.pages import fetch

    statuses = []

    def some(path, session_key, csrf):
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        statuses.extend(fetch(port, path, {"Cookie": cookie})[0] for _ in range(each))

    threads = [threading.Thread(target=some, args=client) for client in clients[:connections]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if set(statuses) != {200}:
        raise Broken(f"The registration form answered members with {sorted(set(statuses))}")


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


def _use_wrk() -> bool:
    """wrk when installed, unless FORUM_BENCH_P5_LOAD=python asks for the Python threads
    (to compare the two load generators)."""
    return wrk_path() is not None and os.environ.get("FORUM_BENCH_P5_LOAD") != "python"


def _attack_wrk(port: int, clients) -> tuple[dict, list[str], float]:
    """The same POSTs sent by wrk (C, one thread, one connection per member): the Python
    threads of ``_attack`` took much of the two cores the server needs (issue 17)."""
    from django.conf import settings

    from bench.wrk import post_once

    path = clients[0][0]
    lines = [f"{session_key} {csrf}" for _path, session_key, csrf in clients]
    names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    try:
        once = post_once(f"http://127.0.0.1:{port}", path, lines, names, limit=300)
    except RuntimeError as exc:
        return {}, [str(exc)], 0.0
    errors = (
        [f"{len(clients) - once.answered} POSTs unanswered"] if once.answered < len(clients) else []
    )
    return once.statuses, errors, once.seconds


def run() -> None:
    from bench.db import setup_django

    setup_django()
    attempts, seats = sized(ATTEMPTS, quick=100), sized(SEATS, quick=20)
    clients = _prepare(attempts, seats)
    from bench.server import gunicorn

    with gunicorn(GUNICORN) as server:
        _warm_up(server.port, clients)
        attack = _attack_wrk if _use_wrk() else _attack
        statuses, errors, seconds = attack(server.port, clients)
        floor = _floor(server.port, clients) if _use_wrk() and not errors else None
    log_text = server.log

    from events.models import Registration

    registrations = Registration.objects.filter(event__slug=SLUG)
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).count()
    waitlisted = registrations.filter(status=Registration.Status.WAITLISTED).count()
    bad = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    failures = bad + len(errors)
    how = (
        f"sent by {generator()}, one connection each"
        if _use_wrk()
        else "released at once by a barrier of Python threads"
    )
    print(f"   gunicorn {' '.join(GUNICORN[:6])}; {attempts} POSTs {how}")
    print(
        f"   confirmed {confirmed}  waitlisted {waitlisted}  errors {failures}  "
        f"statuses {dict(sorted(statuses.items()))}  ({seconds:.2f} s for all {attempts})"
    )
    if failures:
        print("   errors:", errors[:5])
        print(log_text[-3000:])
    if failures or confirmed != seats or waitlisted != attempts - seats:
        raise Broken(
            f"{confirmed} confirmed and {waitlisted} waitlisted with {failures} errors; "
            f"exactly {seats} and {attempts - seats} without errors expected"
        )
    figure(f"confirmed of {seats} seats", confirmed, target=exact(seats))
    figure(
        f"registrations/s, {attempts} at once",
        attempts / seconds,
        unit="/s",
        target=at_least(TARGET_RATE),
    )
    if floor is not None:
        figure(f"member POST with message/s, {attempts} at once", floor, unit="/s")
        figure("registrations : member POST with message", attempts / seconds / floor)


def _floor(port: int, clients) -> float:
    """POSTs per second of ``/bench/member-post/`` (bench/web_urls.py), each member once,
    sent as the registrations were."""
    from django.conf import settings

    from bench.wrk import post_once

    lines = [f"{session_key} {csrf}" for _path, session_key, csrf in clients]
    names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    once = post_once(f"http://127.0.0.1:{port}", "/bench/member-post/", lines, names, limit=300)
    if once.answered < len(clients) or set(once.statuses) != {302}:
        raise Broken(f"/bench/member-post/ answered {once.statuses} ({once.answered} answers)")
    return len(clients) / once.seconds
