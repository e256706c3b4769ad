"""A gunicorn server of the site on loopback for benchmarks that go through HTTP, and the
bits every subprocess-starting benchmark needs (a free port, the database URL, the
benchmark's own Redis database)."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The server this process uses, so a subprocess never opens the embedded one itself."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from django.db import connection

    db = connection.settings_dict
    host = quote(str(db["HOST"]), safe="")
    return f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{host}:{db['PORT']}/"


def bench_redis_url() -> str | None:
    """The Redis database benchmarks may empty (``FORUM_BENCH_REDIS_DB``, default 14) on the
    server of REDIS_URL, or None without REDIS_URL. The site under gunicorn keeps its cache
    and its task queue there, so no page cached by an earlier run (or by development) is
    served, and development's own Redis database is never touched."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    parts = urlsplit(url)
    db = os.environ.get("FORUM_BENCH_REDIS_DB", "14")
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def flush_bench_redis() -> None:
    url = bench_redis_url()
    if url is None:
        return
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclass
class Server:
    port: int
    log_path: Path
    log: str = ""  # the server's output, filled in when it has stopped

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait_for(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = server.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"gunicorn ended:\n{output}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", "/bench/trivial/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s.")


@contextlib.contextmanager
def gunicorn(options: list[str], *, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Runs the site under gunicorn with ``options`` and the bench settings
    (bench/web_settings.py: the site as in production, DEBUG=0, plus ``/bench/trivial/``)
    until the block ends; then ``server.log`` holds what it printed. The bench Redis
    database is emptied first. ``env``: more environment variables for the server."""
    port = free_port()
    flush_bench_redis()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.web_settings",
        DATABASE_URL=database_url(),
        PYTHONUNBUFFERED="1",
        **(env or {}),
    )
    with tempfile.TemporaryDirectory(prefix="bench-gunicorn-") as log_dir:
        server = Server(port=port, log_path=Path(log_dir) / "gunicorn.log")
        args = [sys.executable, "-m", "gunicorn", "forum.wsgi", "-b", f"127.0.0.1:{port}"]
        with server.log_path.open("wb") as log:
            process = subprocess.Popen(
                [*args, *options],
                env=env,
                cwd=BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            _wait_for(server, process)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            server.log = server.log_path.read_text(errors="replace")
