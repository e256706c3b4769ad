"""P6: 2,000 notification emails through one worker to a local SMTP server (target < 60 s).

With REDIS_URL a real ``celery worker --pool=solo`` delivers, fed over a Redis database of
the benchmark's own (bench/server.py: ``FORUM_BENCH_REDIS_DB``, default 14, emptied before
and after); without it the ``deliver_notifications`` command does, in one process. Either way the
clock runs from the organiser's mass mail (recording and queueing included) until the SMTP
server has accepted all 2,000 messages.
"""

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from email.parser import BytesHeaderParser
from pathlib import Path

from bench.harness import Broken, below, figure, sized
from bench.server import BASE_DIR, bench_redis_url, database_url, flush_bench_redis, free_port

RECIPIENTS = 2000
TARGET_SECONDS = 60
TIMEOUT = 600
WORKER = ["-m", "celery", "-A", "forum", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery"]
WORKER += ["-l", "info", "-n", "bench@%h", "--without-mingle", "--without-gossip"]
# The organiser's mass mail, recorded in a process configured like a web process of the
# benchmark (bench.worker_settings): it publishes the batches after commit to the bench
# broker, or with no Redis into an in-memory broker nobody reads (the command then finds the
# rows in the database). This process's own Celery app is left as it is. Prints the wall
# clock at the start and the seconds spent recording and queueing.
SEND_MASS_MAIL = """
import time

import django

django.setup()
from forum.notifications import services
from members.models import User

recipients = list(User.objects.filter(email__startswith="bench-recipient-"))
actor = User.objects.get(email="bench-organiser@example.org")
started, clock = time.time(), time.perf_counter()
services.mass_mail_send(
    actor=actor,
    recipients=recipients,
    subject_de="Raumänderung",
    body_de="Der Workshop findet in Raum 2 statt.",
    subject_en="Room change",
    body_en="The workshop takes place in room 2.",
)
print(started, time.perf_counter() - clock)
"""


class CountingSink:
    """aiosmtpd handler that accepts everything and keeps the notification ids it got."""

    def __init__(self, expected: int):
        self.expected = expected
        self._lock = threading.Lock()
        self.ids: list[int] = []
        self.done = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        value = BytesHeaderParser().parsebytes(envelope.content).get("X-Forum-Notification")
        with self._lock:
            self.ids.append(int(value or 0))
            if len(self.ids) >= self.expected:
                self.done.set()
        return "250 2.0.0 OK"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.ids)


def _create_people(recipients: int) -> None:
    from django.contrib.auth.models import Group

    from forum.organisers import ORGANISERS_GROUP
    from members.models import User

    User.objects.bulk_create(
        User(email=f"bench-recipient-{i:04d}@example.org", first_name="Bench", last_name=str(i))
        for i in range(recipients)
    )
    organiser = User.objects.create_user(email="bench-organiser@example.org", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))


def _start(args: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        args, env=env, cwd=BASE_DIR, stdin=subprocess.DEVNULL, stdout=log, stderr=log
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(predicate, what: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if process.poll() is not None and not predicate():
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"The delivering process ended before {what}:\n{tail}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Gave up waiting for {what}.")
        time.sleep(0.05)


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from aiosmtpd.controller import Controller

    from forum.notifications.models import EmailState, Notification

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every session
    recipients = sized(RECIPIENTS, quick=200)
    redis_url = bench_redis_url()
    broker = redis_url or "memory://localhost/"
    sink = CountingSink(recipients)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, server_hostname="bench.test")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.worker_settings",
        DATABASE_URL=database_url(),
        FORUM_BENCH_BROKER_URL=broker,
        FORUM_BENCH_SMTP_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    _create_people(recipients)
    controller.start()
    log_dir = tempfile.TemporaryDirectory(prefix="bench-notifications-")
    log_path = Path(log_dir.name) / "delivery.log"
    log_file = log_path.open("wb")
    process = None
    try:
        if redis_url:
            flush_bench_redis()
            mode = "celery worker --pool=solo"
            process = _start([sys.executable, *WORKER], env, log_file)
            _wait(
                lambda: " ready." in log_path.read_text(errors="replace"),
                "ready",
                process,
                log_path,
            )
        else:
            mode = "manage.py deliver_notifications (no REDIS_URL)"

        recording = subprocess.run(
            [sys.executable, "-c", SEND_MASS_MAIL],
            env=env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if recording.returncode:
            raise RuntimeError(f"Recording the mass mail failed:\n{recording.stderr[-3000:]}")
        started, recorded = (float(value) for value in recording.stdout.split()[-2:])
        if not redis_url:
            process = _start([sys.executable, "manage.py", "deliver_notifications"], env, log_file)
        _wait(sink.done.is_set, f"{recipients} emails", process, log_path)
        total = time.time() - started
        if not redis_url:
            process.wait(timeout=TIMEOUT)  # its last commit may follow the last 250 reply
    finally:
        if process is not None:
            _stop(process)
        controller.stop()
        log_file.close()
        log_dir.cleanup()
        if redis_url:
            flush_bench_redis()

    sent = Notification.objects.filter(email_state=EmailState.SENT).count()
    distinct = len(set(sink.ids))
    print(f"   delivered by    {mode}")
    print(f"   recorded+queued {recorded:6.1f} s  ({recipients} notifications)")
    print(f"   SMTP accepted {sink.count} ({distinct} distinct), database says sent: {sent}")
    if not sink.count == distinct == sent == recipients:
        raise Broken(f"{recipients} emails expected, once each, all marked sent")
    figure(f"P6 {recipients:,} emails delivered", total, unit="s", target=below(TARGET_SECONDS))
    figure("P6 emails per second", recipients / total, unit="/s")
