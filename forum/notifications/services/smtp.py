"""The mail connection a batch shares, and what an SMTP error means for the next try."""

from __future__ import annotations

import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

logger = logging.getLogger(__name__)


class Mailer:
    """One mail connection for a batch; reopened after an error so one bad message does not
    spoil the rest."""

    def __init__(self):
        self.backend = get_connection(fail_silently=False)
        self.is_open = False
        #: The last send failed because the server could not be reached or dropped us.
        self.last_error_was_connection = False

    def send(self, message: EmailMultiAlternatives) -> None:
        self.last_error_was_connection = False
        try:
            if not self.is_open:
                self.backend.open()
                self.is_open = True
            message.connection = self.backend
            self.backend.send_messages([message])
        except BaseException as exc:
            self.last_error_was_connection = is_connection_problem(exc)
            self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            try:
                self.backend.close()
            except Exception:  # a dead connection cannot be closed politely
                logger.debug("Closing the mail connection failed.", exc_info=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def is_connection_problem(exc: BaseException) -> bool:
    """The server is unreachable, timed out or hung up, as opposed to an answer about this
    one message (a refused recipient, a 4xx or 5xx reply)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def is_permanent(exc: Exception) -> bool:
    """5xx answers will not pass by waiting; network trouble and 4xx may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return not isinstance(exc, OSError | smtplib.SMTPException)


def describe(exc: Exception) -> str:
    """The error as stored on the row (``email_last_error``)."""
    return f"{type(exc).__name__}: {exc}"[:2000]


def mail_domain() -> str:
    """The right-hand side of our Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
