"""The on-call notice: one e-mail to PAREBRICK_ONCALL_EMAIL when a run fails or finds a stale source, sent
through the project's SMTP notifier (the PAREBRICK_SMTP_* settings `parebrick alerts send` uses)."""

from __future__ import annotations

import os
import smtplib
import socket
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from parebrick.alerts.transport import SettingsError, SmtpSettings, SmtpTransport

ONCALL_ENV = "PAREBRICK_ONCALL_EMAIL"


def notice(sender: str, recipient: str, run_id: str, status: str, failed_step: str, target: str,
           report: str, at: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = f"[parebrick daily] {status} at step {failed_step} on {target} ({socket.gethostname()})"
    mail["Date"] = format_datetime(at)
    mail["Message-ID"] = make_msgid(domain="parebrick")
    mail["X-Parebrick-Daily-Run"] = run_id
    mail.set_content(report)
    return mail


def tell_oncall(run_id: str, status: str, failed_step: str, target: str, report: str, at: datetime) -> str | None:
    """Send the notice; None once the SMTP server accepted it, else why it was not sent (one line)."""
    recipient = os.environ.get(ONCALL_ENV, "").strip()
    if not recipient:
        return f"{ONCALL_ENV} is not set"
    try:
        settings = SmtpSettings.from_env()
    except SettingsError as exc:
        return str(exc)
    mail = notice(settings.sender, recipient, run_id, status, failed_step, target, report, at)
    try:
        with SmtpTransport(settings) as transport:
            transport.send(mail, recipient)
    except (smtplib.SMTPException, OSError) as exc:
        return f"SMTP {settings.where}: {' '.join(str(exc).split()) or type(exc).__name__}"
    return None
