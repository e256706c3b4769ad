"""The embedded PostgreSQL stops when `make run` is stopped (issue 10).

Each test starts what `make run` ends with (`make serve`: runserver with its autoreloader,
without install and migrate) as a process group, with the embedded server's data in a
directory of its own (FORUM_EMBEDDED_DB_DIR) so it never meets the checkout's var/pgdata,
stops it as a terminal (Ctrl-C), a process manager or a shell's `kill` would, and asserts
that the postmaster named in postmaster.pid is gone afterwards.

It used to survive a SIGTERM: runserver's autoreloader SIGKILLs its child when it is told
to stop, so the child never took itself off pgserver's list of users, and from then on no
process of the checkout was ever the last one to leave.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PIDS_FILE = ".handle_pids.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.2)
    return value


def answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def postmaster_pid(pgdata: Path) -> int | None:
    with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    return None


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class MakeServe:
    """`make serve PORT=…` in a session of its own, on the embedded server in ``pgdata``."""

    def __init__(self, pgdata: Path, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(FORUM_EMBEDDED_DB_DIR=str(pgdata), PYTHONUNBUFFERED="1")
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(
                ["make", "--no-print-directory", "serve", f"PORT={self.port}"],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def wait_until_serving(self) -> None:
        def up():
            assert self.popen.poll() is None, f"make serve exited early:\n{self.log()}"
            return answers(self.port)

        wait_for(up, timeout=120, what=f"runserver on port {self.port}")

    def python_processes(self) -> list[psutil.Process]:
        """runserver's autoreloader and its child, the server."""
        make = psutil.Process(self.popen.pid)
        return [p for p in make.children(recursive=True) if "manage.py" in p.cmdline()]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


@pytest.fixture(scope="module")
def pgdata(tmp_path_factory):
    """One data directory for the module (initdb runs once), stopped at the end whatever
    the tests left behind."""
    path = tmp_path_factory.mktemp("embedded") / "pgdata"
    yield path
    pid = postmaster_pid(path)
    if pid and running(pid):
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown


@pytest.fixture
def make_serve(pgdata, tmp_path):
    started: list[MakeServe] = []

    def start() -> MakeServe:
        serve = MakeServe(pgdata, tmp_path / f"make-serve-{len(started)}.log")
        started.append(serve)
        serve.wait_until_serving()
        return serve

    yield start
    for serve in started:
        serve.kill()


def stop_and_assert_postgres_is_gone(serve: MakeServe, pgdata: Path, *, signum, to_group: bool):
    pid = postmaster_pid(pgdata)
    assert pid and running(pid), "the embedded PostgreSQL did not start in the test's directory"
    pythons = serve.python_processes()
    assert len(pythons) == 2, "expected runserver's autoreloader and its child"

    if to_group:
        os.killpg(serve.popen.pid, signum)  # a terminal's Ctrl-C, `kill -TERM -<pgid>`
    else:
        os.kill(serve.popen.pid, signum)  # a process manager stopping make
    serve.popen.wait(timeout=60)

    with contextlib.suppress(AssertionError):
        wait_for(lambda: not running(pid), timeout=30, what=f"postmaster {pid} to stop")
    users = json.loads((pgdata / PIDS_FILE).read_text() or "[]")
    assert not running(pid), (
        f"postmaster {pid} outlived `make serve` (users {users}, runserver "
        f"{[p.pid for p in pythons]}):\n{serve.log()}"
    )
    assert not [p.pid for p in pythons if running(p.pid)], "runserver outlived make"
    assert users == [], f"pgserver still counts {users} as users of the server"


def test_sigterm_to_the_process_group_stops_the_embedded_postgres(make_serve, pgdata):
    serve = make_serve()
    # runserver runs with the PORT make was given, so SITE_URL follows it (test_site_url.py).
    ports = {p.environ().get("PORT") for p in serve.python_processes()}
    assert ports == {str(serve.port)}

    # The README's "supported PostgreSQL 15 to 18": the embedded server is the newest.
    assert (pgdata / "PG_VERSION").read_text().strip() == "18"

    stop_and_assert_postgres_is_gone(serve, pgdata, signum=signal.SIGTERM, to_group=True)


def test_ctrl_c_stops_the_embedded_postgres(make_serve, pgdata):
    serve = make_serve()

    stop_and_assert_postgres_is_gone(serve, pgdata, signum=signal.SIGINT, to_group=True)


def test_sigterm_to_make_alone_stops_the_embedded_postgres_despite_a_stale_user(make_serve, pgdata):
    """make passes SIGTERM on to runserver. The list of users also holds the id of a process
    that died without leaving it (SIGKILL, power cut): it must not keep the server alive."""
    serve = make_serve()
    dead = subprocess.Popen(["true"])
    dead.wait()
    users = pgdata / PIDS_FILE
    users.write_text(json.dumps([*json.loads(users.read_text()), dead.pid]))

    stop_and_assert_postgres_is_gone(serve, pgdata, signum=signal.SIGTERM, to_group=False)
