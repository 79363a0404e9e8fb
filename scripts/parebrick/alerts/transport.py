"""SMTP from the environment only: where the server is, whether to STARTTLS, and the credentials.

The password lives in the settings object and in the SMTP session, nowhere else: it is left out of the
settings' repr, never printed, and never written to the warehouse.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType

HOST, PORT, STARTTLS = "PAREBRICK_SMTP_HOST", "PAREBRICK_SMTP_PORT", "PAREBRICK_SMTP_STARTTLS"
SENDER = "PAREBRICK_SMTP_FROM"
USER, PASSWORD, TIMEOUT = "PAREBRICK_SMTP_USER", "PAREBRICK_SMTP_PASSWORD", "PAREBRICK_SMTP_TIMEOUT"
REQUIRED = (HOST, PORT, STARTTLS, SENDER)
ON, OFF = ("on", "true", "yes", "1"), ("off", "false", "no", "0")


class SettingsError(ValueError):
    """The environment lacks an SMTP setting or holds one the sender cannot use (one line, no values)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        missing = [name for name in REQUIRED if not env.get(name, "").strip()]
        if missing:
            raise SettingsError(f"SMTP settings missing from the environment: {', '.join(missing)} "
                                "(README, \"Alert notifications\")")
        try:
            port = int(env[PORT])
        except ValueError:
            raise SettingsError(f"{PORT} must be a port number") from None
        starttls = env[STARTTLS].strip().lower()
        if starttls not in ON + OFF:
            raise SettingsError(f"{STARTTLS} must be on or off")
        user, password = env.get(USER) or None, env.get(PASSWORD) or None
        if (user is None) != (password is None):
            raise SettingsError(f"set both {USER} and {PASSWORD}, or neither")
        if user is not None and starttls in OFF:
            raise SettingsError(f"{USER} is set but {STARTTLS} is off: the password would travel in clear")
        try:
            timeout = float(env.get(TIMEOUT) or 30)
        except ValueError:
            raise SettingsError(f"{TIMEOUT} must be a number of seconds") from None
        return cls(env[HOST].strip(), port, starttls in ON, env[SENDER].strip(), user, password, timeout)

    @property
    def where(self) -> str:
        """Where mail goes, to say so in output: no user name, no password."""
        return f"{self.host}:{self.port} ({'STARTTLS' if self.starttls else 'no TLS'}" \
               f"{', authenticated' if self.user else ''})"


class SmtpTransport:
    """One SMTP session for a run's messages; each `send` returns once the server accepted the message."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        settings = self.settings
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            smtp.ehlo()
            if settings.starttls:
                # The system's trust store (SSL_CERT_FILE points elsewhere), with the host name checked.
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user and settings.password:
                smtp.login(settings.user, settings.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return self

    def send(self, mail: EmailMessage, recipient: str) -> None:
        assert self._smtp is not None, "send inside `with SmtpTransport(...)`"
        refused = self._smtp.send_message(mail, from_addr=self.settings.sender, to_addrs=[recipient])
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
