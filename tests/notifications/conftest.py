"""Real processes for the notification worker tests: an SMTP sink in this process, a Redis
database of its own per test, Celery workers (with beat), a private redis-server and
gunicorn. Every process is started in its own session, logs to a file shown when the test
fails, and is stopped in teardown, before pytest-django empties the database.

Without REDIS_URL (or the redis-server binary) these tests skip; with
FORUM_REQUIRE_SERVICES=1 tests/conftest.py turns that skip into a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_SETTINGS = "tests.notifications.worker_settings"
# The Redis database on REDIS_URL's server these tests use as broker, emptied before and after
# each test. Two test runs at the same time against one server need different numbers.
TEST_REDIS_DB = int(os.environ.get("FORUM_TEST_REDIS_DB", "13"))

_LOGS = pytest.StashKey[list]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Appends the logs of the processes a failed test started to its report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for name, path in item.stash.get(_LOGS, []):
            text = path.read_text(errors="replace") if path.exists() else "(no log)"
            report.sections.append((f"log of {name}", text[-15000:]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.1):
    """Polls ``predicate`` until it returns something true; fails after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:.0f} s waiting for {what}.")
        time.sleep(interval)


@pytest.fixture(name="wait_until")
def wait_until_fixture():
    return wait_until


# --- SMTP --------------------------------------------------------------------------------


def _headers(content: bytes) -> tuple[int | None, str]:
    headers = BytesHeaderParser().parsebytes(content)
    value = headers.get("X-Forum-Notification")
    return (int(value) if value else None), headers.get("Message-ID", "")


class SmtpSink:
    """An SMTP server that remembers which notifications it accepted.

    Only a message answered with 250 counts as received: by RFC 5321 a server takes
    responsibility for a message with that reply and not before. The test can script the
    replies (``reply_next``, ``default_reply``) and make the n-th message hang before any
    reply (``block_at``); that message is then never accepted: if its client goes away the
    handler is cancelled, if the test releases it the answer is 421.
    """

    def __init__(self):
        from aiosmtpd.controller import Controller

        self._lock = threading.Lock()
        self.accepted: list[int] = []  # notification ids answered 250, in order
        self.message_ids: dict[int, str] = {}  # notification id -> Message-ID header
        self.attempts: list[tuple[int | None, float, str]] = []  # (id, monotonic time, reply)
        self.default_reply = "250 2.0.0 OK"
        self._replies: deque[str] = deque()
        self._block_at: int | None = None
        self.blocked = threading.Event()
        self._released = threading.Event()
        self.port = free_port()
        # server_hostname spares aiosmtpd a DNS lookup of this machine's name.
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="sink.test"
        )

    def reply_next(self, *replies: str) -> None:
        """The next messages get these replies, in order, then ``default_reply`` again."""
        with self._lock:
            self._replies.extend(replies)

    def block_at(self, number: int | None) -> None:
        """The ``number``-th message (counting every DATA so far) hangs without a reply."""
        self._block_at = number

    def release(self) -> None:
        self._released.set()

    def attempts_for(self, notification_id: int) -> list[tuple[float, str]]:
        with self._lock:
            return [(at, reply) for nid, at, reply in self.attempts if nid == notification_id]

    async def handle_DATA(self, server, session, envelope):
        notification_id, message_id = _headers(envelope.original_content or envelope.content)
        with self._lock:
            number = len(self.attempts) + 1
            block = number == self._block_at
            reply = self._replies.popleft() if self._replies and not block else self.default_reply
            self.attempts.append((notification_id, time.monotonic(), "blocked" if block else reply))
            if reply.startswith("250") and not block:
                self.accepted.append(notification_id)
                self.message_ids[notification_id] = message_id
        if block:
            self.blocked.set()
            # Cancelled here when the client disconnects (aiosmtpd cancels the session).
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.2 Service shutting down, message not accepted"
        return reply

    def start(self):
        self.controller.start()

    def stop(self):
        self._released.set()
        self.controller.stop()


@pytest.fixture
def smtp_server():
    """The SMTP sink (``SmtpSink``) the worker settings send to, on a free port."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


# --- Redis -------------------------------------------------------------------------------


def _redis_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def _flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def _test_broker_url() -> str:
    return _redis_with_db(os.environ["REDIS_URL"], TEST_REDIS_DB)


@pytest.fixture
def broker_url():
    """A Redis database on REDIS_URL's server that only this test uses, empty at start."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the worker tests need a Redis server.")
    url = _test_broker_url()
    _flush(url)
    yield url
    _flush(url)


# --- Processes ---------------------------------------------------------------------------


class Process:
    """A subprocess in its own session (so a worker's beat child goes with it), output in a
    log file."""

    def __init__(self, name: str, args: list[str], *, env: dict, log_path: Path):
        self.name = name
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(
                args,
                env=env,
                cwd=BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.popen.poll() is None

    def wait_for_log(self, text: str, *, timeout: float) -> None:
        def seen():
            if text in self.log():
                return True
            if not self.running():
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}) early.")
            return False

        wait_until(seen, timeout=timeout, what=f"{text!r} in the log of {self.name}")

    def _signal_group(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL, no chance to clean up: what the OOM killer or a power cut does."""
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.popen.returncode is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(timeout=10)
        # A worker's embedded beat is a child process; make sure it went too.
        self._signal_group(signal.SIGKILL)


class Processes:
    def __init__(self, request, tmp_path: Path):
        self._request = request
        self._tmp_path = tmp_path
        self._started: list[Process] = []

    @property
    def next_number(self) -> int:
        return len(self._started) + 1

    def start(self, name: str, args: list[str], *, env: dict | None = None) -> Process:
        number = self.next_number
        log_path = self._tmp_path / f"{number:02d}-{name}.log"
        self._request.node.stash.setdefault(_LOGS, []).append((f"{name} #{number}", log_path))
        process = Process(name, args, env=env or dict(os.environ), log_path=log_path)
        self._started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self._started):
            process.stop()


@pytest.fixture
def processes(request, tmp_path, transactional_db, smtp_server):
    """Starts subprocesses and stops them all in teardown, before the database is flushed
    (a live worker would otherwise hold connections the flush waits for) and before the
    SMTP sink goes."""
    started = Processes(request, tmp_path)
    yield started
    started.stop_all()
    if "broker_url" in request.fixturenames and os.environ.get("REDIS_URL"):
        # A worker stopping may put its unacknowledged tasks back after broker_url's flush.
        # (Without REDIS_URL broker_url skipped the test and there is nothing to empty.)
        _flush(_test_broker_url())


def worker_env(*, broker_url: str, smtp_port: int, **extra) -> dict:
    from django.db import connection

    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        # Without it, the settings would open the embedded PostgreSQL on their own; the
        # subprocesses are to use exactly the server this process is connected to.
        db = connection.settings_dict
        host = quote(str(db["HOST"]), safe="")
        credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}"
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{db['PORT']}/{db['NAME']}"
    env.update(
        DJANGO_SETTINGS_MODULE=WORKER_SETTINGS,
        FORUM_TEST_BROKER_URL=broker_url,
        FORUM_WORKER_DB_NAME=connection.settings_dict["NAME"],
        FORUM_TEST_SMTP_PORT=str(smtp_port),
        PYTHONUNBUFFERED="1",
        **{key: str(value) for key, value in extra.items()},
    )
    return env


@pytest.fixture
def start_worker(processes, smtp_server, tmp_path):
    """``start_worker(broker=url, beat=False, **env)`` starts ``celery worker --pool=solo``
    (with ``-B``, beat inside it) and returns once it is ready for tasks."""

    def start(*, broker: str, beat: bool = False, timeout: float = 45, **env) -> Process:
        number = processes.next_number
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "forum",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "celery",
            "-l",
            "info",
            "-n",
            f"test-worker-{number}@%h",
            # No waiting for replies of other workers at start-up.
            "--without-mingle",
            "--without-gossip",
        ]
        if beat:
            args += ["-B", "--schedule", str(tmp_path / f"beat-schedule-{number}")]
        worker = processes.start(
            "worker",
            args,
            env=worker_env(broker_url=broker, smtp_port=smtp_server.port, **env),
        )
        worker.wait_for_log(" ready.", timeout=timeout)
        return worker

    return start


@pytest.fixture
def run_django(smtp_server, transactional_db):
    """``run_django(code, *args, broker=url)`` runs Python ``code`` with Django set up under
    the worker settings in a subprocess, as a web process would run it (tasks published to
    ``broker`` after commit), and returns its stdout."""

    def run(code: str, *args, broker: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            env=worker_env(broker_url=broker, smtp_port=smtp_server.port),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-5000:]
        return result.stdout

    return run


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A redis-server of this test's own on a fixed port, which the test can stop and start
    again (nothing kept on disk: the restarted server is empty, as after a crash)."""

    def __init__(self, binary: str, processes: Processes, directory: Path):
        self._binary = binary
        self._processes = processes
        self._directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        args = [self._binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self._directory)]
        self.process = self._processes.start("redis-server", args)
        wait_until(
            lambda: _redis_answers(self.port),
            timeout=15,
            what=f"redis-server on port {self.port}",
        )

    def stop(self) -> None:
        self.process.stop()
        wait_until(lambda: not _redis_answers(self.port), timeout=10, what="redis-server to stop")


@pytest.fixture
def private_redis(processes, tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH.")
    server = RedisServer(binary, processes, tmp_path)
    server.start()
    return server


def _http_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return sock.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


@pytest.fixture
def start_web(processes, smtp_server):
    """``start_web(broker=...)`` runs gunicorn with the worker settings; returns its port."""

    def start(*, broker: str) -> int:
        port = free_port()
        args = [sys.executable, "-m", "gunicorn", "forum.wsgi", "-b", f"127.0.0.1:{port}"]
        # No control socket: its default path is shared by every gunicorn of this user.
        args += ["--workers", "1", "--timeout", "60", "--no-control-socket"]
        args += ["--access-logfile", "-", "--error-logfile", "-"]
        web = processes.start(
            "gunicorn", args, env=worker_env(broker_url=broker, smtp_port=smtp_server.port)
        )

        def up():
            if not web.running():
                raise AssertionError("gunicorn exited early.")
            return _http_answers(port)

        wait_until(up, timeout=45, what=f"gunicorn on port {port}")
        return port

    return start
