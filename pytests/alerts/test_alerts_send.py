"""`parebrick alerts send` against a real SMTP server (aiosmtpd on 127.0.0.1, STARTTLS with a certificate
made here, a required login): what each recipient gets, that reruns send nothing twice, the repeat clock,
resolved and inhibited alerts, a kill -9 in mid-run, and that credentials never show.

The published view `views.v_smart_alerts` is created here as a table of its contract (the alerts module's
docstring) in a throwaway embedded warehouse; the sender only reads it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import smtp_sink
from support import BIN, REPO, run_tool, tool_env

from parebrick.alerts.due import COLUMNS
from parebrick.embedded import open_client

USER, PASSWORD = "alerts-robot", "s3cret-Pw-7f3a9"
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=timezone.utc)
VIEW_DDL = """CREATE TABLE views.v_smart_alerts (
    alert_id String, cabinet String, client String, rule String, priority LowCardinality(String),
    opened_at DateTime64(3, 'UTC'), resolved_at Nullable(DateTime64(3, 'UTC')), recipients Array(String),
    is_inhibited Bool) ENGINE = MergeTree ORDER BY alert_id"""


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


# The installations' alerts as the models would publish them (times relative to the first run, NOW).
HIGH_A, HIGH_B, USAGE_A, USAGE_B = "high@cab-a.test", "high@cab-b.test", "usage@cab-a.test", "usage@cab-b.test"
M1, M2 = "m1@dist.test", "m2@dist.test"
ALERTS = [
    # still open for the whole test: new, then repeated every 24 h
    ("A1", "cab-a", "Client One", "installation_down", "high", at(-2), None, [HIGH_A, M1], False),
    # open at the first run, resolved before the run 24 h later
    ("A2", "cab-a", "Client Two", "report_missing", "high", at(-3), at(23.5), [HIGH_A, M2], False),
    # opened and resolved before the first run: told once, as resolved
    ("A3", "cab-a", "Client Three", "empty_searches", "usage", at(-30), at(-4), [USAGE_A, M1], False),
    # a usage alert of an installation with an open high-priority one (A1): kept, never sent
    ("A4", "cab-a", "Client One", "activity_drop", "usage", at(-100), None, [USAGE_A, M1], True),
    ("A5", "cab-b", "Client Five", "activity_drop", "usage", at(-50), None, [USAGE_B, M2], False),
    # opens after the first run
    ("A6", "cab-b", "Client Six", "update_broken", "high", at(8), None, [HIGH_B, M2], False),
]


def make_warehouse(root: Path, alerts: list[tuple] = ALERTS) -> Path:
    path = root / "warehouse"
    client = open_client(path)
    try:
        client.command("CREATE DATABASE IF NOT EXISTS views")
        client.command(VIEW_DDL)
        client.insert("v_smart_alerts", alerts, column_names=list(COLUMNS), database="views")
    finally:
        client.close()
    return path


def smtp_env(sink: smtp_sink.Sink, cert: Path | None, login: bool = True) -> dict[str, str]:
    env = {"PAREBRICK_SMTP_HOST": "127.0.0.1", "PAREBRICK_SMTP_PORT": str(sink.port),
           "PAREBRICK_SMTP_STARTTLS": "on" if cert else "off", "PAREBRICK_SMTP_FROM": "monitoring@dist.test",
           "PAREBRICK_SMTP_USER": USER if login else "", "PAREBRICK_SMTP_PASSWORD": PASSWORD if login else "",
           "PAREBRICK_SMTP_TIMEOUT": "20"}
    if cert:
        env["SSL_CERT_FILE"] = str(cert)
    return env


def send(warehouse: Path, env: dict[str, str], now: datetime, *extra: str):
    return run_tool(["parebrick", "alerts", "send", "--now", now.isoformat(), *extra], cwd=REPO,
                    env={"PAREBRICK_WAREHOUSE": str(warehouse), **env}, timeout=300)


def by_recipient(received: list[smtp_sink.Received]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(recipient, priority) -> the (state, alert) pairs its messages carried."""
    got: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for message in received:
        (recipient,) = message.recipients
        key = (recipient, str(message.mail["X-Parebrick-Priority"]))
        assert key not in got, f"two messages to {key} in one run"
        got[key] = message.items
    return got


@pytest.fixture
def tls(tmp_path: Path) -> tuple[Path, Path]:
    return smtp_sink.self_signed(tmp_path)


@pytest.fixture
def sink(tls: tuple[Path, Path]):
    server = smtp_sink.start(tls=tls, login=(USER, PASSWORD))
    yield server
    server.stop()


def test_runs_over_two_days(tmp_path: Path, sink: smtp_sink.Sink, tls: tuple[Path, Path]):
    warehouse = make_warehouse(tmp_path)
    env = smtp_env(sink, tls[0])
    outputs = []

    def run(now: datetime) -> dict[tuple[str, str], set[tuple[str, str]]]:
        before = len(sink.received)
        result = send(warehouse, env, now)
        outputs.append(result.output)
        assert result.returncode == 0, result.output
        return by_recipient(sink.received[before:])

    # First run: one message per recipient and priority; A4 is inhibited, A6 not open yet, A3 already resolved.
    assert run(NOW) == {
        ("high@cab-a.test", "high"): {("new", "A1"), ("new", "A2")},
        ("m1@dist.test", "high"): {("new", "A1")},
        ("m2@dist.test", "high"): {("new", "A2")},
        ("usage@cab-a.test", "usage"): {("resolved", "A3")},
        ("m1@dist.test", "usage"): {("resolved", "A3")},
        ("usage@cab-b.test", "usage"): {("new", "A5")},
        ("m2@dist.test", "usage"): {("new", "A5")},
    }
    assert "sent 7 of 7 messages" in outputs[-1]
    assert run(NOW) == {}, "a rerun sends nothing"
    # Before 24 h have passed nothing repeats; A6 has opened meanwhile.
    assert run(at(23)) == {("high@cab-b.test", "high"): {("new", "A6")}, ("m2@dist.test", "high"): {("new", "A6")}}
    # 24 h after the first run: the open alerts repeat once, A2 is told resolved, A6 (told 1 h ago) waits.
    assert run(at(24)) == {
        ("high@cab-a.test", "high"): {("repeat", "A1"), ("resolved", "A2")},
        ("m1@dist.test", "high"): {("repeat", "A1")},
        ("m2@dist.test", "high"): {("resolved", "A2")},
        ("usage@cab-b.test", "usage"): {("repeat", "A5")},
        ("m2@dist.test", "usage"): {("repeat", "A5")},
    }
    assert run(at(30)) == {}, "neither a repeat within the interval nor a resolved alert again"
    day_two = run(at(48))
    assert day_two[("m2@dist.test", "high")] == {("repeat", "A6")}
    told = {pair for items in day_two.values() for pair in items}
    assert told == {("repeat", "A1"), ("repeat", "A5"), ("repeat", "A6")}
    assert not any(alert == "A4" for message in sink.received for _, alert in message.items), "inhibited: never sent"
    assert any("reminder 2" in m.body for m in sink.received if m.recipients == ("m1@dist.test",)), "repeats count"

    # Every message has its own Message-ID, and a subject to triage from: priority, cabinet, counts, worst rule.
    ids = [message.message_id for message in sink.received]
    assert len(set(ids)) == len(ids) and all(i.startswith("<") and i.endswith("@parebrick>") for i in ids)
    first = next(m for m in sink.received if m.recipients == ("high@cab-a.test",))
    assert first.subject == "[high] cab-a: 2 new; worst installation_down at Client One"
    assert "Client Two: report_missing, opened 2024-05-10 09:00 UTC" in first.body
    resolved = next(m for m in sink.received if m.recipients == ("usage@cab-a.test",))
    assert resolved.subject.startswith("[usage] cab-a: 1 resolved;")
    assert "resolved 2024-05-10 08:00 UTC" in resolved.body

    # The ledger: every item planned, then sent; the sender wrote nothing else.
    client = open_client(warehouse)
    try:
        statuses = client.query("SELECT status, count() FROM raw.smart_notifications GROUP BY status").result_rows
        tables = client.query("SELECT database, name FROM system.tables WHERE database IN ('raw', 'views')").result_rows
        view_rows = client.query("SELECT count() FROM views.v_smart_alerts").result_rows
    finally:
        client.close()
    assert dict(statuses)["planned"] == dict(statuses)["sent"] > 0
    assert sorted(tables) == [("raw", "smart_notifications"), ("views", "v_smart_alerts")]
    assert view_rows == [(len(ALERTS),)]

    # The credentials were used (the server requires them) and appear nowhere: output, mail, warehouse files.
    text = "\n".join(outputs) + "".join(m.mail.as_string() for m in sink.received)
    assert USER not in text and PASSWORD not in text
    for file in warehouse.rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), file


def test_dry_run_sends_and_records_nothing(tmp_path: Path, sink: smtp_sink.Sink):
    warehouse = make_warehouse(tmp_path)
    result = send(warehouse, {"PAREBRICK_SMTP_HOST": ""}, NOW, "--dry-run")
    assert result.returncode == 0, result.output
    assert "would send 7 messages" in result.output
    assert "m1@dist.test: 2 message(s), 1 new, 0 still open, 1 resolved" in result.output
    assert sink.received == []
    client = open_client(warehouse)
    try:
        assert not client.command("EXISTS TABLE raw.smart_notifications")
    finally:
        client.close()


def test_a_kill_mid_run_repeats_at_most_the_message_in_flight(tmp_path: Path, tls: tuple[Path, Path]):
    warehouse = make_warehouse(tmp_path)
    sink = smtp_sink.start(tls=tls, login=(USER, PASSWORD), stall_at=3)
    try:
        env = smtp_env(sink, tls[0])
        process = subprocess.Popen(
            [str(BIN / "parebrick"), "alerts", "send", "--now", NOW.isoformat()], cwd=REPO,
            env=tool_env({"PAREBRICK_WAREHOUSE": str(warehouse), **env}), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        try:
            assert sink.handler.stalled.wait(120), "the server never got the third message"
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(30)
        assert process.returncode == -signal.SIGKILL
        in_flight = sink.received[2].message_id
        sink.unstall()

        rerun = send(warehouse, env, NOW)
        assert rerun.returncode == 0, rerun.output
        assert "sent 5 of 5 messages" in rerun.output and "5 of them left by an interrupted run" in rerun.output
        assert send(warehouse, env, NOW).output.count("sent 0 of 0 messages") == 1
    finally:
        sink.stop()

    counts = Counter(message.message_id for message in sink.received)
    assert len(counts) == 7, "every message of the run delivered"
    assert [mid for mid, n in counts.items() if n > 1] == [in_flight], "only the one in flight, twice"
    assert max(counts.values()) == 2
    twice = [m for m in sink.received if m.message_id == in_flight]
    assert twice[0].mail.as_string() == twice[1].mail.as_string(), "the same message, byte for byte"
    # Together, the recipients got exactly what one uninterrupted run sends.
    assert len(by_recipient([m for i, m in enumerate(sink.received) if i != 2])) == 7


def test_plain_smtp_without_login(tmp_path: Path):
    """A relay on the local network without TLS or login (aiosmtpd without a certificate)."""
    warehouse = make_warehouse(tmp_path)
    sink = smtp_sink.start()
    try:
        result = send(warehouse, smtp_env(sink, None, login=False), NOW)
    finally:
        sink.stop()
    assert result.returncode == 0, result.output
    assert len(sink.received) == 7 and "no TLS" in result.output


@pytest.mark.parametrize("change, says", [
    ({"PAREBRICK_SMTP_HOST": "", "PAREBRICK_SMTP_FROM": ""},
     "SMTP settings missing from the environment: PAREBRICK_SMTP_HOST, PAREBRICK_SMTP_FROM"),
    ({"PAREBRICK_SMTP_PASSWORD": ""}, "set both PAREBRICK_SMTP_USER and PAREBRICK_SMTP_PASSWORD, or neither"),
    ({"PAREBRICK_SMTP_STARTTLS": "off"}, "PAREBRICK_SMTP_USER is set but PAREBRICK_SMTP_STARTTLS is off"),
    ({"PAREBRICK_SMTP_PORT": "smtp"}, "PAREBRICK_SMTP_PORT must be a port number"),
])
def test_settings_the_sender_cannot_use_give_one_line(tmp_path: Path, sink: smtp_sink.Sink, tls, change, says):
    warehouse = make_warehouse(tmp_path)
    result = send(warehouse, {**smtp_env(sink, tls[0]), **change}, NOW)
    assert result.returncode == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {says}"), result.output
    assert PASSWORD not in result.output and sink.received == []


def test_a_wrong_password_fails_in_one_line_and_sends_nothing(tmp_path: Path, sink: smtp_sink.Sink, tls):
    warehouse = make_warehouse(tmp_path)
    wrong = "wrong-Pw-91c2"
    result = send(warehouse, {**smtp_env(sink, tls[0]), "PAREBRICK_SMTP_PASSWORD": wrong}, NOW)
    assert result.returncode == 1 and sink.received == []
    assert "error: SMTP 127.0.0.1" in result.output and "stay planned" in result.output
    assert wrong not in result.output and USER not in result.output
