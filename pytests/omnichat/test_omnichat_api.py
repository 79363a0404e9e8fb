"""The Omnichat API double: generated chat items per `_cms__sources.yml`, pagination, filters, auth, faults, binding."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from parebrick.generate import RunSpec, generate
from parebrick.omnichat import OmnichatError, start_server

TOKEN = "test-token-7f3a"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FIELDS = ["chat_id", "channel", "territory_code", "service_code", "customer_id", "created_at", "queued_at",
          "accepted_at", "closed_at", "updated_at", "operator_login", "status", "messages_client",
          "messages_operator", "first_response_sec", "topic", "csat"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, dict, list[dict]]:
    out = tmp_path_factory.mktemp("omni")
    manifest = generate(RunSpec(out=out, start_date=dt.date(2025, 3, 3), days=2, calls_per_day=1500, seed=11),
                        progress=False)
    lines = (out / "omnichat" / "chats.jsonl").read_text(encoding="utf-8").splitlines()
    return out, manifest, [json.loads(x) for x in lines]


@pytest.fixture(scope="module")
def api(data):
    base, stop = start_server(data[0], TOKEN)
    yield base
    stop()


def get(base: str, params: dict | None = None, token: str | None = TOKEN, auth: str | None = None) -> tuple[int, dict, dict]:
    url = f"{base}/api/v1/chats" + ("?" + urlencode(params) if params else "")
    req = urllib.request.Request(url)
    if auth is not None:
        req.add_header("Authorization", auth)
    elif token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def pull(base: str, since: str | None = None, limit: int = 37) -> list[dict]:
    items, token = [], None
    while True:
        params: dict = {"limit": limit}
        if since:
            params["updated_since"] = since
        if token:
            params["page_token"] = token
        status, _, body = get(base, params)
        assert status == 200, body
        assert set(body) == {"items", "next_page_token"}
        assert len(body["items"]) <= limit
        items += body["items"]
        token = body["next_page_token"]
        if token is None:
            return items


def test_chat_items_follow_sources(data):
    _, manifest, items = data
    assert items and all(list(it) == FIELDS for it in items)
    for it in items:
        assert it["channel"] in {"web", "app", "telegram", "whatsapp", "vk"}
        assert it["status"] in {"served", "lost", "bot_only"}
        assert it["csat"] is None or it["csat"] in {1, 2, 3, 4, 5}
        for col in ("created_at", "queued_at", "closed_at", "updated_at"):
            assert ISO_Z.match(it[col]), (col, it[col])
        assert (it["accepted_at"] is None) == (it["status"] != "served")
        assert (it["operator_login"] is None) == (it["status"] != "served")
        assert it["created_at"] <= it["queued_at"] <= it["closed_at"] <= it["updated_at"]
        assert it["messages_client"] >= 1 and it["first_response_sec"] >= 1
        assert (it["messages_operator"] > 0) == (it["status"] == "served")
    assert {it["status"] for it in items} == {"served", "lost", "bot_only"}
    ids = [it["chat_id"] for it in items]
    assert len(set(ids)) == manifest["omnichat"]["chats"] and len(ids) == manifest["omnichat"]["versions"]
    assert manifest["defect_counts"]["redelivered_newer"]["omnichat_chats"] == len(ids) - len(set(ids))


def test_later_versions_fill_csat(data):
    items = data[2]
    by_id: dict[str, list[dict]] = {}
    for it in items:
        by_id.setdefault(it["chat_id"], []).append(it)
    multi = [v for v in by_id.values() if len(v) > 1]
    assert multi
    assert any(len(v) > 2 for v in multi)
    assert any(v[0]["csat"] is None and v[-1]["csat"] is not None for v in multi)
    for v in multi:
        stamps = [x["updated_at"] for x in v]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_pagination_covers_every_version_once_in_order(api, data):
    items = data[2]
    got = pull(api, limit=37)
    assert len(got) == len(items)
    keys = [(x["updated_at"], x["chat_id"]) for x in got]
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)
    assert got == items


def test_updated_since_filters_inclusively(api, data):
    items = data[2]
    cut = items[len(items) // 2]["updated_at"]
    got = pull(api, since=cut, limit=50)
    assert got == [x for x in items if x["updated_at"] >= cut]
    assert got[0]["updated_at"] == cut
    # The same moment written with another offset selects the same versions.
    moment = dt.datetime.fromisoformat(cut.replace("Z", "+00:00")).astimezone(dt.timezone(dt.timedelta(hours=3)))
    assert pull(api, since=moment.isoformat(), limit=500) == got
    status, _, body = get(api, {"updated_since": "2100-01-01T00:00:00Z"})
    assert status == 200 and body == {"items": [], "next_page_token": None}


def test_auth(api):
    assert get(api, token=None)[0] == 401
    status, headers, body = get(api, token="wrong")
    assert status == 401 and body["error"] == "unauthorized"
    assert TOKEN not in json.dumps(body) and TOKEN not in json.dumps(headers)
    assert get(api, auth=f"Basic {TOKEN}")[0] == 401
    assert get(api, auth=f"Bearer {TOKEN}x")[0] == 401
    assert get(api, {"limit": 1})[0] == 200


@pytest.mark.parametrize("params, fragment", [
    ({"limit": "0"}, "limit"), ({"limit": "abc"}, "limit"), ({"limit": "1001"}, "limit"), ({"limit": "-5"}, "limit"),
    ({"updated_since": "yesterday"}, "ISO-8601"), ({"updated_since": "2025-03-03T10:00:00"}, "offset"),
    ({"page_token": "%%%not-a-token"}, "page_token"), ({"page_token": "eyJ4IjoxfQ"}, "page_token"),
    ({"since": "2025-03-03T10:00:00Z"}, "unknown"),
])
def test_bad_parameters_are_400_with_json(api, params, fragment):
    status, _, body = get(api, params)
    assert status == 400
    assert body["error"] == "bad_request" and fragment in body["message"]


def test_page_token_is_bound_to_its_filter(api, data):
    first = data[2][0]["updated_at"]
    status, _, body = get(api, {"updated_since": first, "limit": 5})
    assert status == 200 and body["next_page_token"]
    status, _, body = get(api, {"updated_since": "2025-03-04T00:00:00Z", "page_token": body["next_page_token"]})
    assert status == 400 and "page_token" in body["message"]


def test_rate_limit_and_failures_are_deterministic(data):
    base, stop = start_server(data[0], TOKEN, rate_limit_every=3, retry_after=7, fail_every=4)
    try:
        results = [get(base, {"limit": 2}) for _ in range(12)]
    finally:
        stop()
    codes = [r[0] for r in results]
    assert codes == [200, 200, 429, 500, 200, 429, 200, 502, 429, 200, 200, 429]
    for status, headers, body in results:
        if status == 429:
            assert headers["Retry-After"] == "7" and body["error"] == "rate_limited"
        if status >= 500:
            assert body["error"] == "server_error"
    # Unauthorised requests do not advance the fault counter.
    base, stop = start_server(data[0], TOKEN, rate_limit_every=2)
    try:
        assert get(base, token="bad")[0] == 401
        assert get(base, {"limit": 1})[0] == 200
        assert get(base, {"limit": 1})[0] == 429
    finally:
        stop()


def test_bound_to_loopback_only(data):
    base, stop = start_server(data[0], TOKEN)
    try:
        assert base.startswith("http://127.0.0.1:")
        port = int(base.rsplit(":", 1)[1])
        other = _non_loopback_address()
        if other:
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        stop()


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback, if it has one (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def test_bad_data_and_empty_token(tmp_path):
    with pytest.raises(OmnichatError, match="chats.jsonl"):
        start_server(tmp_path, TOKEN)
    (tmp_path / "chats.jsonl").write_text('{"chat_id": "x"}\n', encoding="utf-8")
    with pytest.raises(OmnichatError, match="line 1"):
        start_server(tmp_path, TOKEN)
    with pytest.raises(OmnichatError, match="token"):
        start_server(tmp_path, "")


def test_cli_serves_without_printing_the_token(data):
    env = {**os.environ, "OMNICHAT_TEST_TOKEN": TOKEN}
    cmd = [sys.executable, "-m", "parebrick.cli", "omnichat-api", "--port", "0", "--data", str(data[0]),
           "--token-env", "OMNICHAT_TEST_TOKEN"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        assert get(url.group(0), {"limit": 3})[0] == 200
        assert get(url.group(0), token="nope")[0] == 401
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert TOKEN not in line + out + err
    assert "GET /api/v1/chats 200" in err and "GET /api/v1/chats 401" in err
    missing = subprocess.run(cmd[:-1] + ["OMNICHAT_UNSET_VARIABLE_X"], capture_output=True, text=True,
                             env={k: v for k, v in os.environ.items() if k != "OMNICHAT_UNSET_VARIABLE_X"})
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "OMNICHAT_UNSET_VARIABLE_X" in missing.stderr
