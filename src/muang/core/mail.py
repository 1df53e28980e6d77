"""The one adapter to e-mail (outbound), through Django's e-mail backend (SMTP in production: EMAIL_HOST,
EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL: Django's own settings).

Like `muang.core.sms` and `muang.core.line`, this module decides what is worth another try: a recipient the
server refuses is a permanent failure; a refused connection, a timeout or a temporary (4xx) answer is not.
"""

from __future__ import annotations

import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class MailDeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class MailAdapter:
    def __init__(self, *, from_email: str | None = None, backend: str | None = None, timeout: float = 10.0):
        self._from = from_email or settings.DEFAULT_FROM_EMAIL
        self._backend = backend
        self._timeout = timeout

    @classmethod
    def from_settings(cls) -> MailAdapter:
        return cls()

    def send(self, *, to: str, subject: str, text: str) -> None:
        _name, address = parseaddr(to)
        if "@" not in address:
            raise MailDeliveryError(f"not an e-mail address: {to!r}", retryable=False)
        try:
            connection = get_connection(self._backend, fail_silently=False, timeout=self._timeout)
        except TypeError:  # a backend without a timeout (locmem, console)
            connection = get_connection(self._backend, fail_silently=False)
        message = EmailMessage(
            subject=" ".join(subject.split()),
            body=text,
            from_email=self._from,
            to=[address],
            connection=connection,
        )
        try:
            sent = message.send()
        except smtplib.SMTPRecipientsRefused as e:
            raise MailDeliveryError(
                f"the mail server refused {address}: {e.recipients}", retryable=False
            ) from e
        except smtplib.SMTPResponseException as e:
            retryable = 400 <= e.smtp_code < 500
            raise MailDeliveryError(
                f"the mail server answered {e.smtp_code}: {e.smtp_error!r}", retryable=retryable
            ) from e
        except (smtplib.SMTPException, OSError) as e:  # refused, timeout, TLS: worth another try later
            raise MailDeliveryError(
                f"mail server unreachable: {type(e).__name__}: {e}", retryable=True
            ) from e
        if sent != 1:
            raise MailDeliveryError("the mail backend sent nothing", retryable=True)
