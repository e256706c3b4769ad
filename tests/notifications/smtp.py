"""A real SMTP server in the test process (aiosmtpd), so delivery is tested over a socket.

``smtp_sink()`` starts one on a free port and points Django's SMTP backend at it::

    with smtp_sink(NOTIFICATIONS_BATCH_SIZE=100) as sink:
        sink.answer_data("451 4.3.0 Try again later")  # the next DATA gets this answer
        ...
    assert sink.connections == 1 and sink.recipients == ["a@example.org"]

Each SMTP connection gets its own protocol object from ``factory()``, which is how the sink
counts connections. Answers can be scripted per DATA command or per recipient address, and
``delay`` slows every DATA down (without blocking the server's event loop), to hold a sender
in the middle of a delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import itertools
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.test import override_settings


@dataclass(frozen=True)
class Received:
    """One message the sink accepted."""

    connection: int
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.sink._rcpt_answers.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink._lock:
            self.sink.data_commands += 1
            answer = self.sink._data_answers.pop(0) if self.sink._data_answers else ""
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        if answer and not answer.startswith("250"):
            return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink._lock:
            self.sink.received.append(
                Received(
                    connection=server.connection_number,
                    mail_from=envelope.mail_from,
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    message=message,
                )
            )
        return answer or "250 2.0.0 Message accepted"


class _CountingController(Controller):
    def __init__(self, handler, **kwargs):
        super().__init__(handler, **kwargs)
        self._numbers = itertools.count(1)
        self.opened = 0

    def factory(self):
        server = SMTP(self.handler, **self.SMTP_kwargs)
        server.connection_number = next(self._numbers)
        self.opened = server.connection_number
        return server


class SmtpSink:
    def __init__(self):
        self._lock = threading.Lock()
        self._data_answers: list[str] = []
        self._rcpt_answers: dict[str, str] = {}
        self._baseline = 0
        self.received: list[Received] = []
        self.data_commands = 0
        self.delay = 0.0
        self.controller = _CountingController(
            _Handler(self),
            hostname="127.0.0.1",
            port=_free_port(),
            # aiosmtpd would otherwise ask the resolver for this machine's name.
            server_hostname="sink.test",
            ready_timeout=10,
        )

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def connections(self) -> int:
        """SMTP connections opened since the sink started (its own start-up probe excluded)."""
        return self.controller.opened - self._baseline

    @property
    def recipients(self) -> list[str]:
        return sorted(address for r in self.received for address in r.rcpt_tos)

    def answer_data(self, *answers: str) -> None:
        """The next DATA commands get these answers, in order; later ones are accepted."""
        with self._lock:
            self._data_answers.extend(answers)

    def refuse(self, address: str, answer: str) -> None:
        """Every RCPT TO for ``address`` gets ``answer``."""
        self._rcpt_answers[address.lower()] = answer

    def start(self) -> None:
        self.controller.start()
        self._baseline = self.controller.opened

    def stop(self) -> None:
        self.controller.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_sink(**settings):
    """A running sink, with Django's SMTP backend pointed at it (plus any ``settings``)."""
    sink = SmtpSink()
    sink.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
            **settings,
        ):
            yield sink
    finally:
        sink.stop()
