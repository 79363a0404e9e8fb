"""The Omnichat pull against the API double (`parebrick omnichat-api`), started on 127.0.0.1 per test.

Every pull test runs twice: into an embedded warehouse, and into a ClickHouse server over HTTP (the test
server of clickhouse_http.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client
from support import start_clickhouse_server

from parebrick.embedded import open_client
from parebrick.load.pull import RetryPolicy, pull_omnichat
from parebrick.omnichat import ChatStore, start_server

TOKEN = "pull-test-token-7f3a"
BIN = Path(sys.executable).parent


def chat(number: int, updated: str, **changes) -> dict:
    item = {"chat_id": f"oc-{number:09d}", "channel": "web", "territory_code": "MSK", "service_code": "b2c_support",
            "customer_id": "50000001", "created_at": "2025-01-13T10:00:00Z", "queued_at": "2025-01-13T10:00:05Z",
            "accepted_at": "2025-01-13T10:00:30Z", "closed_at": "2025-01-13T10:10:00Z", "updated_at": updated,
            "operator_login": "ivanova.aa1", "status": "served", "messages_client": 3, "messages_operator": 4,
            "first_response_sec": 25, "topic": "Смена тарифа", "csat": None}
    item.update(changes)
    return item


@pytest.fixture(params=["embedded", "server"])
def client(request, tmp_path) -> Iterator[Client]:
    if request.param == "embedded":
        connection = open_client(tmp_path / "warehouse")
        yield connection
        connection.close()
        return
    server = start_clickhouse_server(tmp_path / "server-data")
    try:
        connection = server.client()
        yield connection
        connection.close()
    finally:
        server.stop()


@pytest.fixture()
def api():
    """Start the double on an ephemeral port with the given chats and faults; stopped after the test."""
    stops = []

    def start(items: list[dict], **faults) -> str:
        url, stop = start_server(ChatStore(items), TOKEN, **faults)
        stops.append(stop)
        return url

    yield start
    for stop in stops:
        stop()


def raw_chats(client: Client) -> list[tuple]:
    return client.query("SELECT chat_id, updated_at, csat FROM raw.cms__omnichat_chats WHERE _batch_id IN "
                        "(SELECT batch_id FROM raw.committed_batches) ORDER BY chat_id, updated_at").result_rows


def test_pull_pages_through_429_and_5xx_and_keeps_every_version(client, api):
    items = [chat(i, f"2025-01-13T{10 + i // 60:02d}:{i % 60:02d}:00Z") for i in range(1, 121)]
    items.append(chat(5, "2025-01-14T09:00:00Z", csat=5))  # a later version of chat 5
    waits: list[float] = []
    url = api(items, rate_limit_every=3, retry_after=2, fail_every=5)
    result = pull_omnichat(client, url, TOKEN, limit=25, sleep=waits.append)
    assert result.status == "committed", result.reason
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (121, 121, 0)
    assert result.pages == 5 and result.retries >= 2
    assert 2.0 in waits, "Retry-After is honoured"
    assert result.cursor == "2025-01-14T09:00:00.000Z"
    versions = raw_chats(client)
    assert len(versions) == 121
    latest = client.query("SELECT argMax(csat, updated_at) FROM raw.cms__omnichat_chats "
                          "WHERE chat_id = 'oc-000000005'").result_rows[0][0]
    assert latest == 5


def test_the_next_pull_starts_from_the_cursor_minus_the_overlap(client, api):
    items = [chat(1, "2025-01-13T10:00:00Z"), chat(2, "2025-01-13T11:55:00Z"), chat(3, "2025-01-13T12:00:00Z")]
    url = api(items)
    first = pull_omnichat(client, url, TOKEN, sleep=lambda s: None)
    second = pull_omnichat(client, url, TOKEN, overlap=timedelta(minutes=10), sleep=lambda s: None)
    assert first.cursor == second.cursor == "2025-01-13T12:00:00.000Z"
    assert second.since == "2025-01-13T11:50:00.000Z"
    assert second.rows_read == 2  # the overlap window re-reads chats 2 and 3, nothing older
    sources = client.query("SELECT source FROM raw.load_batches WHERE status = 'committed' "
                           "ORDER BY event_at").result_rows
    assert "updated_since=2025-01-13T11%3A50%3A00.000Z" in sources[1][0] and TOKEN not in str(sources)


def test_a_bad_token_fails_cleanly_and_keeps_the_cursor(client, api, tmp_path):
    url = api([chat(1, "2025-01-13T10:00:00Z")])
    assert pull_omnichat(client, url, TOKEN, sleep=lambda s: None).status == "committed"
    result = pull_omnichat(client, url, "not-the-token", token_env="MY_TOKEN", sleep=lambda s: None)
    assert result.status == "failed" and "refused the token" in result.reason and "MY_TOKEN" in result.reason
    assert "not-the-token" not in result.reason
    assert result.cursor == "2025-01-13T10:00:00.000Z"
    failed = client.query("SELECT reason FROM raw.load_batches WHERE status = 'failed'").result_rows
    assert failed and "not-the-token" not in failed[0][0]


def test_a_server_that_keeps_failing_is_given_up_on_and_nothing_stays(client, api):
    url = api([chat(i, f"2025-01-13T10:{i:02d}:00Z") for i in range(1, 40)], fail_every=3)
    waits: list[float] = []
    # Every third request fails; with one attempt per page the third page cannot be fetched.
    result = pull_omnichat(client, url, TOKEN, limit=10, sleep=waits.append, policy=RetryPolicy(attempts=1))
    assert result.status == "failed" and "gave up" in result.reason
    assert raw_chats(client) == []
    assert client.query("SELECT count() FROM raw.cms__omnichat_chats").result_rows[0][0] == 0
    assert client.query("SELECT count() FROM raw.load_batches WHERE status = 'committed'").result_rows[0][0] == 0


def test_an_invalid_item_is_quarantined_with_its_json(client, api):
    url = api([chat(1, "2025-01-13T10:00:00Z"), chat(2, "2025-01-13T10:01:00Z", csat=9),
               chat(3, "2025-01-13T10:02:00Z", created_at="вчера")])
    result = pull_omnichat(client, url, TOKEN, sleep=lambda s: None)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    rejected = client.query("SELECT source_row, raw_text, reason FROM raw.load_rejected_rows "
                            "ORDER BY source_row").result_rows
    assert [r[0] for r in rejected] == [2, 3]
    assert json.loads(rejected[0][1])["csat"] == 9 and "csat is out of range" in rejected[0][2]
    assert "created_at" in rejected[1][2]


def test_the_command_reads_the_token_from_the_environment_and_never_prints_it(tmp_path, api):
    url = api([chat(1, "2025-01-13T10:00:00Z")], rate_limit_every=2, retry_after=0)
    env = {"PATH": "/usr/bin:/bin", "PAREBRICK_WAREHOUSE": str(tmp_path / "wh"), "OMNICHAT_TOKEN": TOKEN,
           "NO_COLOR": "1", "PAREBRICK_PROJECT_DIR": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([str(BIN / "parebrick"), "pull", "omnichat", "--base-url", url], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "committed" in done.stdout and TOKEN not in done.stdout + done.stderr
    env["OMNICHAT_TOKEN"] = "wrong-token-123"
    bad = subprocess.run([str(BIN / "parebrick"), "pull", "omnichat", "--base-url", url], env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "wrong-token-123" not in bad.stdout + bad.stderr
    assert "refused the token" in bad.stdout
    del env["OMNICHAT_TOKEN"]
    missing = subprocess.run([str(BIN / "parebrick"), "pull", "omnichat", "--base-url", url], env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "OMNICHAT_TOKEN is not set" in missing.stdout
