"""A Redis outage breaks no page and no save (issue 10, item 7).

A private redis-server is started and stopped again, then real processes with the
production wiring (cache and Celery broker on that dead ``REDIS_URL``, see
redis_down_settings.py) serve the login, sign-up, password reset, the admin, a programme
change and the main pages, and run ``seed_demo``. Nothing here touches the machine's Redis.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from events.models import ProgrammeItem
from forum.cache import ResilientRedisCache
from forum.organisers import ORGANISERS_GROUP
from tests.factories import (
    PASSWORD,
    EventFactory,
    NeedFactory,
    ProgrammeItemFactory,
    UserFactory,
)
from tests.notifications.conftest import BASE_DIR, Processes, RedisServer, free_port, wait_until

SETTINGS = "tests.forum.redis_down_settings"


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def processes(request, tmp_path, transactional_db):
    started = Processes(request, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def dead_redis(processes, tmp_path):
    """The URL of a redis-server that ran and was stopped: connections are refused."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH.")
    server = RedisServer(binary, processes, tmp_path)
    server.start()
    server.stop()
    return server.url


def _env(redis_url: str) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}"
        host = quote(str(db["HOST"]), safe="")
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{db['PORT']}/{db['NAME']}"
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        REDIS_URL=redis_url,
        FORUM_WORKER_DB_NAME=db["NAME"],
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def web(processes, dead_redis):
    """gunicorn with cache and broker on the dead Redis; returns a client factory."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "forum.wsgi", "-b", f"127.0.0.1:{port}"]
    args += ["--workers", "1", "--timeout", "60", "--no-control-socket"]
    args += ["--access-logfile", "-", "--error-logfile", "-"]
    server = processes.start("gunicorn", args, env=_env(dead_redis))

    def up():
        if not server.running():
            raise AssertionError("gunicorn exited early.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return True
        except (OSError, urllib.error.HTTPError):
            return False

    wait_until(up, timeout=45, what=f"gunicorn on port {port}")
    return lambda: Client(f"http://127.0.0.1:{port}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """Cookies and the CSRF token, no redirects followed: status, Location and body."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def _open(self, request):
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        # A dead Redis must cost milliseconds, not the seconds of a connection timeout.
        assert time.monotonic() - started < 5, request.full_url
        return status, headers.get("Location", ""), body.decode(errors="replace")

    def get(self, path: str):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict | list):
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        items = list(data.items()) if isinstance(data, dict) else list(data)
        body = urllib.parse.urlencode([*items, ("csrfmiddlewaretoken", token)]).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        return self._open(request)

    def login(self, email: str, password: str):
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "password": password})


# --- The cache backend in this process -----------------------------------------------------


@pytest.fixture
def dead_cache(dead_redis):
    return ResilientRedisCache(dead_redis, {"OPTIONS": {"RETRY_AFTER": 60}})


def test_resilient_cache_dead_redis_misses_and_never_raises(dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="forum.cache"):
        started = time.monotonic()
        assert dead_cache.get("research_needs:list:generation") is None
        assert dead_cache.get("missing", "fallback") == "fallback"
        assert dead_cache.add("events:programme-pdf-queued:1", 1, 30) is True
        assert dead_cache.set("x", 1) is None
        assert dead_cache.get_many(["x", "y"]) == {}
        assert dead_cache.delete("x") is False
        with pytest.raises(ValueError):
            dead_cache.incr("research_needs:list:generation")
        assert time.monotonic() - started < 1
    # One warning for the outage, not one per call.
    warnings = [r for r in caplog.records if r.name == "forum.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()


def test_resilient_cache_dead_redis_counts_allauth_keys_in_process(dead_cache):
    assert dead_cache.add("allauth:rl:lock", True, 10) is True
    assert dead_cache.add("allauth:rl:lock", True, 10) is False  # the lock holds
    dead_cache.set("allauth:rl:login_failed:ip:1.2.3.4", [1.0, 2.0], 60)
    assert dead_cache.get("allauth:rl:login_failed:ip:1.2.3.4") == [1.0, 2.0]
    assert dead_cache.delete("allauth:rl:lock") is True


def test_resilient_cache_redis_back_is_used_again(processes, tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH.")
    server = RedisServer(binary, processes, tmp_path)
    server.start()
    server.stop()
    cache = ResilientRedisCache(server.url, {"OPTIONS": {"RETRY_AFTER": 0.2}})
    assert cache.get("k") is None  # down

    server.start()
    time.sleep(0.3)

    cache.set("k", "v", 60)
    assert cache.get("k") == "v"
    assert not cache.is_down


def test_delete_own_keys_keeps_the_task_queue(processes, tmp_path):
    """After a restore the cache forgets what it kept; Celery's queue in the same Redis
    database (REDIS_URL) must survive: clear() would flush it."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH.")
    server = RedisServer(binary, processes, tmp_path)
    server.start()
    cache = ResilientRedisCache(server.url, {"OPTIONS": {"RETRY_AFTER": 0.2}})
    raw = redis.Redis.from_url(server.url)
    raw.lpush("celery", "a queued mail")
    cache.set_many({f"fragment:{n}": n for n in range(2500)}, 60)
    cache.set("generation:events", 7, None)

    assert cache.delete_own_keys() == 2501
    assert cache.get("generation:events") is None
    assert cache.get("fragment:1") is None
    assert raw.lrange("celery", 0, -1) == [b"a queued mail"]
    raw.close()


def test_delete_own_keys_with_redis_down_does_not_raise(dead_cache):
    assert dead_cache.delete_own_keys() == 0


# --- Real processes --------------------------------------------------------------------------


def _pages(need, event) -> list[str]:
    return [
        "/",
        "/en/",
        "/needs/",
        "/needs/?q=Batterie",
        need.get_absolute_url(),
        "/events/",
        event.get_absolute_url(),
        f"/events/{event.slug}/calendar.ics",
        "/members/",
        "/members/me/",
        "/notifications/",
        "/accounts/privacy/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/en/needs/",
        "/en/events/",
    ]


def test_redis_down_login_signup_reset_and_pages_work(web):
    member = UserFactory()
    need = NeedFactory()
    event = EventFactory()
    client = web()

    assert client.get("/healthz")[0] == 200
    # Wrong password: the form error (400), not a 500; then the right one logs in.
    for _ in range(3):
        status, _location, body = client.login(member.email, "wrong-password")
        assert status == 400, body[-2000:]
    status, location, body = client.login(member.email, PASSWORD)
    assert status == 302, body[-2000:]

    for path in _pages(need, event):
        status, _location, body = client.get(path)
        assert status < 500, (path, status, body[-2000:])

    visitor = web()
    visitor.get("/accounts/signup/")
    status, location, body = visitor.post(
        "/accounts/signup/",
        {
            "first_name": "Lena",
            "last_name": "Hoffmann",
            "email": "lena.hoffmann@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert status == 302 and location.endswith("/accounts/confirm-email/"), body[-2000:]

    visitor = web()
    visitor.get("/accounts/password/reset/")
    status, location, body = visitor.post("/accounts/password/reset/", {"email": member.email})
    assert status == 302 and "/accounts/password/reset/done/" in location, body[-2000:]
    for path in _pages(need, event)[:8]:
        assert visitor.get(path)[0] < 500, path


def test_redis_down_rate_limit_still_counts_per_process(web):
    """Rate limits fall back to the process's memory: a brute force is still stopped."""
    member = UserFactory()
    client = web()
    statuses = [client.login(member.email, "wrong-password")[0] for _ in range(6)]
    assert statuses == [400] * 6
    status, _location, body = client.login(member.email, PASSWORD)
    assert status == 400 and ("zu viele" in body.lower() or "too many" in body.lower())


def test_redis_down_admin_programme_change_saves(web):
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    item = ProgrammeItemFactory()
    client = web()
    assert client.login(organiser.email, PASSWORD)[0] == 302
    path = f"/admin/events/programmeitem/{item.pk}/change/"
    assert client.get(path)[0] == 200

    local = item.starts_at.astimezone(item.event.starts_at.tzinfo)
    local_end = item.ends_at.astimezone(item.event.starts_at.tzinfo)
    status, _location, body = client.post(
        path,
        {
            "event": item.event_id,
            "kind": item.kind,
            "title": "Neuer Titel trotz Redis-Ausfall",
            "abstract": item.abstract,
            "starts_at_0": local.strftime("%d.%m.%Y"),
            "starts_at_1": local.strftime("%H:%M:%S"),
            "ends_at_0": local_end.strftime("%d.%m.%Y"),
            "ends_at_1": local_end.strftime("%H:%M:%S"),
            "track": "",
            "capacity": "",
            "_save": "Sichern",
        },
    )
    assert status == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', body) or body[-3000:]
    assert ProgrammeItem.objects.get(pk=item.pk).title == "Neuer Titel trotz Redis-Ausfall"
    for path in ["/admin/", "/admin/events/event/", f"/admin/events/event/{item.event_id}/change/"]:
        assert client.get(path)[0] == 200, path


def _run(code_or_args: list[str], redis_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *code_or_args],
        env=_env(redis_url),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


# ``manage.py seed_demo`` as it is, but the recommendations' sentence model (which seed_demo
# runs on every need and profile, most of its time, and which touches neither the cache
# nor the broker) answers with one fixed unit vector: the outage is what is tested here;
# the vectors are the matching tests'.
SEED_DEMO_WITHOUT_THE_MODEL = """
import django
import numpy as np

django.setup()
from research_needs.matching import embeddings


class FixedVectors:
    def _encode(self, texts):
        rows = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
        rows[:, 0] = 1.0
        return rows

    query = passage = _encode


embeddings._model = FixedVectors()
from django.core.management import execute_from_command_line

execute_from_command_line(["manage.py", "seed_demo"])
"""


def test_redis_down_programme_save_and_seed_demo_work(dead_redis):
    event = EventFactory()
    code = (
        "import django; django.setup()\n"
        "from django.db import transaction\n"
        "from events.models import Event, ProgrammeItem\n"
        "from tests.factories import ProgrammeItemFactory\n"
        f"event = Event.objects.get(pk={event.pk})\n"
        "with transaction.atomic():\n"
        "    for n in range(10): ProgrammeItemFactory(event=event, title=f'Vortrag {n}')\n"
        f"print(ProgrammeItem.objects.filter(event_id={event.pk}).count())\n"
    )
    started = time.monotonic()
    saved = _run(["-c", code], dead_redis)
    assert saved.returncode == 0, saved.stderr[-5000:]
    assert saved.stdout.strip() == "10"
    assert "AttributeError" not in saved.stderr
    assert "Could not queue the programme PDF build" in saved.stderr
    assert time.monotonic() - started < 30

    seeded = _run(["-c", SEED_DEMO_WITHOUT_THE_MODEL], dead_redis)
    assert seeded.returncode == 0, seeded.stderr[-5000:]
    assert "Demo data ready" in seeded.stdout
    assert "Error calling" not in seeded.stderr  # Django's robust on-commit handler


# --- Canaries: the outage as it was ----------------------------------------------------------


def test_canary_django_redis_cache_dead_redis_login_raises(client, dead_redis, settings):
    """Django's own RedisCache (the previous setting) turns the login into a 500."""
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis,
        }
    }
    user = UserFactory()
    with pytest.raises(redis.exceptions.ConnectionError):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})


def test_resilient_cache_dead_redis_login_in_process(client, dead_redis, settings):
    settings.CACHES = {
        "default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": dead_redis}
    }
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert response.status_code == 400
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_programme_build_callback_failing_is_logged_not_raised(
    db, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """A robust on-commit callback must be nameable: Django logs ``func.__qualname__``, and
    the partial used before made that logging itself raise AttributeError."""
    from events import signals, tasks
    from forum import generations

    settings.EVENTS_PDF_AUTOBUILD = True

    def broker_down(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.build_programme_pdf, "apply_async", broker_down)
    monkeypatch.setattr(signals, "_broker_down_until", 0.0)
    event = EventFactory()
    with (
        caplog.at_level(logging.WARNING, logger="events.signals"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        for n in range(5):
            ProgrammeItemFactory(event=event, title=f"Vortrag {n}")

    # Besides the builds, the event page's cache generation is bumped (forum/generations.py).
    builds = [c for c in callbacks if not isinstance(c, generations.Bump)]
    assert builds and all(isinstance(c, signals.QueueBuild) for c in builds)
    assert all(c.__qualname__ for c in callbacks)
    warnings = [r for r in caplog.records if "Could not queue the programme PDF" in r.message]
    assert len(warnings) == 1  # the first failure; the others skip the dead broker at once
    assert signals._broker_down_until > 0
