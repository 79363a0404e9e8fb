"""A real SMTP server for the tests (aiosmtpd) on 127.0.0.1: it keeps every message it accepts, in memory.

It is served the way the package's sink for people is (`parebrick smtp-sink`: parebrick.alerts.sink, loopback
only) and adds what only the tests need: STARTTLS with a self-signed certificate made here, a required user and password, and a
stall on the Nth message after keeping it (the server holds it, the sender waits for the reply): the message
a kill then leaves in flight.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import mailbox
import re
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from parebrick.alerts.sink import controller as loopback_controller

ITEM = re.compile(r"\[alert (?P<alert>[^\]]+)\]$")
SECTION = re.compile(r"^(?P<title>New|Still open|Resolved) \(\d+\):$")
STATES = {"New": "new", "Still open": "repeat", "Resolved": "resolved"}
# aiosmtpd warns of its own deprecated session attribute at every login.
logging.getLogger("mail.log").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    mail: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.mail["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.mail["Subject"])

    @property
    def body(self) -> str:
        return self.mail.get_payload(decode=True).decode("utf-8")

    @property
    def items(self) -> set[tuple[str, str]]:
        """(state, alert_id) of every alert the body lists, read as a person reads it: under its heading."""
        found, state = set(), None
        for line in self.body.splitlines():
            if heading := SECTION.match(line):
                state = STATES[heading["title"]]
            elif (item := ITEM.search(line)) and state:
                found.add((state, item["alert"]))
        return found


def from_maildir(directory: Path) -> list[Received]:
    """The messages `parebrick smtp-sink` kept, each with the envelope recipients its X-RcptTo header records."""
    return [Received(tuple(r.strip() for r in str(mail["X-RcptTo"]).split(",")), mail)
            for mail in mailbox.Maildir(directory, create=False)]


@dataclass
class Handler:
    """Keeps each accepted message; with `stall_at`, keeps the Nth and then does not answer until released."""

    received: list[Received] = field(default_factory=list)
    stall_at: int | None = None
    stalled: threading.Event = field(default_factory=threading.Event)
    release: asyncio.Event | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.received.append(Received(tuple(envelope.rcpt_tos), message_from_bytes(envelope.original_content)))
        if self.stall_at is not None and len(self.received) == self.stall_at:
            self.release = asyncio.Event()
            self.stalled.set()
            await self.release.wait()
        return "250 OK"


@dataclass
class Sink:
    controller: Controller
    handler: Handler
    port: int

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def unstall(self) -> None:
        self.handler.stall_at = None
        if self.handler.release is not None:
            self.controller.loop.call_soon_threadsafe(self.handler.release.set)

    def stop(self) -> None:
        self.unstall()
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key: the test's own trust anchor."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def start(*, tls: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None,
          stall_at: int | None = None) -> Sink:
    """Start a server; with `tls` it offers STARTTLS and requires it, with `login` it requires that login."""
    handler = Handler(stall_at=stall_at)
    kwargs: dict = {}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        kwargs.update(tls_context=context, require_starttls=True)
    if login:
        def authenticate(server, session, envelope, mechanism, data) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)
        kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=bool(tls))
    port = free_port()
    controller = loopback_controller(handler, "127.0.0.1", port, **kwargs)
    controller.start()
    return Sink(controller, handler, port)
