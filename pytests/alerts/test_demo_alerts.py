"""The demo's alert step, `make send-sample-alerts`, run as the Makefile runs it on a built smart warehouse
(the session's smart sample): the sink in its own process, `parebrick alerts send` at the sample's clock with
SMTP settings for that command only. Every message the sender printed per recipient is in the Maildir, and a
rerun on the same warehouse sends nothing."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import smtp_sink
from support import BIN, REPO, Completed, Warehouse, tool_env

PER_RECIPIENT = re.compile(r"^  (?P<who>\S+): (?P<messages>\d+) message\(s\), (?P<new>\d+) new, "
                           r"(?P<repeat>\d+) still open, (?P<resolved>\d+) resolved$", re.MULTILINE)
STATES = ("new", "repeat", "resolved")
PASSWORD = "s3cret-Pw-demo"


def send_sample_alerts(warehouse: Warehouse, sample: Path, port: int) -> Completed:
    """The Makefile's target with this environment's tools; the caller's own SMTP login is in the environment
    and must not reach the sink (with STARTTLS off the sender would refuse it)."""
    proc = subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", "send-sample-alerts", f"BIN={BIN}", f"SAMPLE={sample}",
         f"SMTP_SINK_PORT={port}", f"TARGET={warehouse.target}"],
        cwd=REPO, env=tool_env({**warehouse.env, "PAREBRICK_SMTP_USER": "someone", "PAREBRICK_SMTP_PASSWORD": PASSWORD}),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    return Completed(proc.returncode, proc.stdout)


def printed(output: str) -> dict[str, Counter]:
    return {m["who"]: Counter({k: int(m[k]) for k in ("messages", *STATES)}) for m in PER_RECIPIENT.finditer(output)}


def kept(mailbox: Path) -> dict[str, Counter]:
    """The same counts read back from the Maildir, each alert under the heading a person reads it under."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for message in smtp_sink.from_maildir(mailbox):
        (recipient,) = message.recipients
        assert str(message.mail["To"]) == recipient
        counts[recipient]["messages"] += 1
        counts[recipient].update(state for state, _ in message.items)
    return {who: Counter({k: c[k] for k in ("messages", *STATES)}) for who, c in counts.items()}


def test_the_demo_mails_the_samples_alerts_to_the_sink_once(smart_warehouse: Warehouse, smart_extracts: Path):
    port, mailbox = smtp_sink.free_port(), smart_extracts / "mailbox"
    as_of = json.loads((smart_extracts / "truth" / "smart_planted.json").read_text(encoding="utf-8"))["as_of"]
    clock = datetime.fromisoformat(as_of).strftime("%Y-%m-%d %H:%M")

    first = send_sample_alerts(smart_warehouse, smart_extracts, port)
    assert first.returncode == 0, first.output
    header = re.search(rf"alerts as of {clock} UTC: sent (\d+) of (\d+) messages via 127\.0\.0\.1:{port} \(no TLS\)",
                       first.output)
    assert header, first.output
    told = printed(first.output)
    assert told and kept(mailbox) == told, "what the sender printed per recipient is what the sink kept"
    total = sum(told.values(), Counter())
    assert int(header[1]) == int(header[2]) == total["messages"]
    assert total["new"] and total["resolved"] and not total["repeat"], "the first run tells new and resolved alerts"
    log = (smart_extracts / "smtp-sink.log").read_text(encoding="utf-8")
    assert f"stopped; {total['messages']} messages accepted, {total['messages']} in" in log, "stopped by the trap"

    again = send_sample_alerts(smart_warehouse, smart_extracts, port)
    assert again.returncode == 0, again.output
    assert f"alerts as of {clock} UTC: sent 0 of 0 messages" in again.output and "nothing to tell" in again.output
    assert printed(again.output) == {} and kept(mailbox) == told, "a rerun sends nothing twice"
    assert PASSWORD not in first.output + again.output
