"""`parebrick smtp-sink` as a person runs it: its own process on a loopback port, every accepted message kept
as a file of its Maildir, stopped cleanly by SIGTERM or SIGINT; anything but a loopback address refused."""

from __future__ import annotations

import signal
import smtplib
import socket
import subprocess
from email.message import EmailMessage
from pathlib import Path

import smtp_sink
from support import BIN, REPO, run_tool, tool_env


def start_sink(port: int, mailbox: Path) -> subprocess.Popen:
    """The sink in its own process, returned once it says it accepts mail (it prints that after binding)."""
    process = subprocess.Popen([str(BIN / "parebrick"), "smtp-sink", "--port", str(port), "--mailbox", str(mailbox)],
                               cwd=REPO, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith(f"smtp-sink: accepting mail on 127.0.0.1:{port}"), first + process.stdout.read()
    return process


def stop_sink(process: subprocess.Popen, how: signal.Signals) -> tuple[int, str]:
    process.send_signal(how)
    rest, _ = process.communicate(timeout=60)
    return process.returncode, rest


def mail(recipients: list[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "monitoring@dist.test", ", ".join(recipients), subject
    message.set_content(body)
    return message


def test_each_message_is_a_file_of_the_maildir_and_sigterm_stops_it(tmp_path: Path):
    mailbox, port = tmp_path / "mailbox", smtp_sink.free_port()
    sink = start_sink(port, mailbox)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            assert not smtp.has_extn("starttls") and not smtp.has_extn("auth"), "no TLS, no login: a local sink"
            smtp.send_message(mail(["high@cab-a.test", "m1@dist.test"], "[high] cab-a: 1 new", "Client One: down"))
            smtp.send_message(mail(["m2@dist.test"], "[usage] volgainfo: 1 new", "Ромашка: empty_searches"))
    finally:
        code, output = stop_sink(sink, signal.SIGTERM)
    assert code == 0, output
    assert f"stopped; 2 messages accepted, 2 in {mailbox}" in output

    kept = sorted(smtp_sink.from_maildir(mailbox), key=lambda received: received.subject)
    assert [(m.recipients, m.subject, m.body.strip()) for m in kept] == [
        (("high@cab-a.test", "m1@dist.test"), "[high] cab-a: 1 new", "Client One: down"),
        (("m2@dist.test",), "[usage] volgainfo: 1 new", "Ромашка: empty_searches"),
    ]
    assert sorted(path.parent.name for path in mailbox.glob("*/*")) == ["new", "new"], "delivered, unread"

    # Started again on the same Maildir and stopped with Ctrl-C: the earlier messages are kept.
    code, output = stop_sink(start_sink(port, mailbox), signal.SIGINT)
    assert code == 0, output
    assert f"stopped; 0 messages accepted, 2 in {mailbox}" in output


def test_it_listens_on_loopback_only_and_says_when_the_port_is_taken(tmp_path: Path):
    for host in ("0.0.0.0", "mail.example"):
        result = run_tool(["parebrick", "smtp-sink", "--port", "2525", "--host", host, "--mailbox",
                           str(tmp_path / "mailbox")], cwd=REPO, timeout=60)
        assert result.returncode == 2 and "--host must be a loopback address" in result.output, result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_tool(["parebrick", "smtp-sink", "--port", str(port), "--mailbox", str(tmp_path / "mailbox")],
                          cwd=REPO, timeout=60)
    assert result.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output, result.output
