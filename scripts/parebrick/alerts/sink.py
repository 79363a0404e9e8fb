"""A local SMTP sink for people: it accepts every message on a loopback address and keeps it in a Maildir.

Where alerts go when there is no mail server to send them to (the demo): nothing is relayed or refused, and
there is no TLS and no login (the sender offers no credentials without STARTTLS). It listens on loopback only,
so no other machine can hand it mail. Each message is kept as received, with the envelope in `X-MailFrom` and
`X-RcptTo` headers (aiosmtpd's Maildir handler), so a mail reader shows whom it went to.
"""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

LOCALHOST = "localhost"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
MAILDIR_FOLDERS = ("tmp", "new", "cur")


class SinkError(ValueError):
    """The sink cannot serve as asked (one line, shown to the user)."""


def loopback(host: str) -> str:
    """`host` itself if it is a loopback address or `localhost`; anything else is refused."""
    if host == LOCALHOST:
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SinkError(f"--host must be a loopback address such as 127.0.0.1, got {host!r}") from None
    if not address.is_loopback:
        raise SinkError(f"--host must be a loopback address: {host} is reachable from other machines")
    return host


def controller(handler: Any, host: str, port: int, **smtp_options: Any) -> Controller:
    """An aiosmtpd server for `handler` on a loopback address (not started); `smtp_options` go to its SMTP."""
    if not 1 <= port <= 65535:
        raise SinkError(f"--port must be 1..65535, got {port}")
    return Controller(handler, hostname=loopback(host), port=port, server_hostname=LOCALHOST, **smtp_options)


class MaildirSink(Mailbox):
    """aiosmtpd's Maildir handler, counting what it accepted in this run."""

    def __init__(self, directory: Path) -> None:
        # Maildir creates its folders only when the directory itself is new; an existing empty one gets them here.
        for folder in MAILDIR_FOLDERS:
            (directory / folder).mkdir(parents=True, exist_ok=True)
        super().__init__(directory)
        self.accepted = 0

    def handle_message(self, message: Message) -> None:
        super().handle_message(message)
        self.accepted += 1

    def held(self) -> int:
        """Messages in the Maildir, this run's and earlier runs'."""
        return len(self.mailbox)


def serve(directory: Path, host: str, port: int, on_ready: Callable[[], None]) -> MaildirSink:
    """Accept mail into `directory` until SIGTERM or SIGINT, then stop the server and return its handler."""
    handler = MaildirSink(directory)
    server = controller(handler, host, port)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    try:
        server.start()
        try:
            on_ready()
            stop.wait()
        finally:
            server.stop()
    finally:
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)
    return handler
