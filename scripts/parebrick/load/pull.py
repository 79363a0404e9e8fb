"""Pull Omnichat chats from the HTTP JSON API into `raw.cms__omnichat_chats`, one batch per pull.

The cursor (`updated_since`) lives in the batch log: a pull starts from the cursor of the last committed
pull minus a small overlap window, and its own cursor is written in the same row that commits it, so a
pull that breaks never advances it. Versions read twice are harmless: staging keeps the latest
`updated_at` of each chat. The token is sent in a header and never printed, logged or stored.
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from clickhouse_connect.driver.client import Client

from parebrick.load import batches
from parebrick.load.registry import META_COLUMNS, RAW_DATABASE, get
from parebrick.load.runner import prepare
from parebrick.load.sql import REJECTED_COLUMNS, REJECTED_TABLE

TABLE = get("cms.omnichat_chats")
PATH = "/api/v1/chats"
EPOCH = "1970-01-01T00:00:00Z"
_RETRYABLE = {429, 500, 502, 503, 504}
_INSERT_ROWS = 50_000


class PullError(Exception):
    """The pull cannot go on; the message is one line and never holds the token."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6            # tries of one page before giving up
    base_delay: float = 0.5      # first backoff after a 5xx or a network error, doubled each time
    max_delay: float = 30.0      # no single wait (backoff or Retry-After) is longer than this
    timeout: float = 30.0        # seconds to wait for an answer


@dataclass
class PullResult:
    batch_id: str
    status: str  # committed or failed
    since: str
    cursor: str
    pages: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    retries: int = 0
    reason: str = ""
    seconds: float = 0.0


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(value: Any, field: str, *, required: bool) -> datetime | None:
    """An ISO-8601 time with a zone, as naive UTC; None when absent and allowed."""
    if value is None or value == "":
        if required:
            raise ValueError(f"{field} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} is not a time: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} is not an ISO-8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{field} has no time zone: {value!r}")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _int(value: Any, field: str, low: int | None = None, high: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} is not a whole number: {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{field} is out of range: {value}")
    return value


def _text(value: Any, field: str, *, required: bool = False, nullable: bool = False) -> str | None:
    if value is None:
        if required:
            raise ValueError(f"{field} is missing")
        return None if nullable else ""
    if not isinstance(value, str):
        raise ValueError(f"{field} is not text: {value!r}")
    if required and not value:
        raise ValueError(f"{field} is empty")
    return value


def item_row(item: Any) -> dict[str, Any]:
    """The raw row of one API item, or ValueError saying what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError("item is not a JSON object")
    return {
        "chat_id": _text(item.get("chat_id"), "chat_id", required=True),
        "channel": _text(item.get("channel"), "channel"),
        "territory_code": _text(item.get("territory_code"), "territory_code"),
        "service_code": _text(item.get("service_code"), "service_code"),
        "customer_id": _text(item.get("customer_id"), "customer_id"),
        "created_at": parse_time(item.get("created_at"), "created_at", required=True),
        "queued_at": parse_time(item.get("queued_at"), "queued_at", required=False),
        "accepted_at": parse_time(item.get("accepted_at"), "accepted_at", required=False),
        "closed_at": parse_time(item.get("closed_at"), "closed_at", required=False),
        "updated_at": parse_time(item.get("updated_at"), "updated_at", required=True),
        "operator_login": _text(item.get("operator_login"), "operator_login", nullable=True),
        "status": _text(item.get("status"), "status"),
        "messages_client": _int(item.get("messages_client"), "messages_client", 0),
        "messages_operator": _int(item.get("messages_operator"), "messages_operator", 0),
        "first_response_sec": _int(item.get("first_response_sec"), "first_response_sec"),
        "topic": _text(item.get("topic"), "topic"),
        "csat": _int(item.get("csat"), "csat", 1, 5),
    }


def _retry_after(header: str | None, policy: RetryPolicy) -> float:
    if not header:
        return policy.base_delay
    try:
        seconds = float(header)
    except ValueError:
        when = email.utils.parsedate_to_datetime(header)
        seconds = (when - datetime.now(timezone.utc)).total_seconds() if when else policy.base_delay
    return min(max(seconds, 0.0), policy.max_delay)


class _Api:
    def __init__(self, base_url: str, token: str, token_env: str, policy: RetryPolicy,
                 sleep: Callable[[float], None]):
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.token_env = token_env
        self.policy = policy
        self.sleep = sleep
        self.retries = 0

    def url(self, params: dict[str, str]) -> str:
        return f"{self.base_url}{PATH}?{urllib.parse.urlencode(params)}"

    def page(self, params: dict[str, str]) -> dict[str, Any]:
        """One page, retrying 429 (after Retry-After) and 5xx or network errors (with backoff), boundedly."""
        request = urllib.request.Request(self.url(params), headers={
            "Authorization": f"Bearer {self._token}", "Accept": "application/json"})
        delay = self.policy.base_delay
        last = ""
        for attempt in range(1, self.policy.attempts + 1):
            wait = None
            try:
                with urllib.request.urlopen(request, timeout=self.policy.timeout) as response:
                    body = response.read()
                try:
                    document = json.loads(body)
                except ValueError:
                    raise PullError(f"the API answered something that is not JSON ({len(body)} bytes)") from None
                if not isinstance(document, dict) or not isinstance(document.get("items"), list):
                    raise PullError("the API answer has no `items` list")
                return document
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise PullError(f"the API refused the token (HTTP {exc.code}); check the environment "
                                    f"variable {self.token_env}") from None
                if exc.code not in _RETRYABLE:
                    detail = exc.read(300).decode("utf-8", "replace").replace("\n", " ")
                    raise PullError(f"the API answered HTTP {exc.code}: {detail}") from None
                last = f"HTTP {exc.code}"
                wait = _retry_after(exc.headers.get("Retry-After"), self.policy) if exc.code == 429 else delay
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"network error: {reason}"
                wait = delay
            if attempt == self.policy.attempts:
                break
            self.retries += 1
            self.sleep(wait)
            delay = min(delay * 2, self.policy.max_delay)
        raise PullError(f"gave up on {PATH} after {self.policy.attempts} attempts (last: {last})")


def _insert(client: Client, rows: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    if not rows:
        return
    names = [*TABLE.column_names, *(column.name for column in META_COLUMNS)]
    data = [[row[name] for name in TABLE.column_names] + [meta["_batch_id"], meta["_source"], row["_source_row"],
                                                          meta["_loaded_at"]] for row in rows]
    client.insert(f"{RAW_DATABASE}.{TABLE.raw_name}", data, column_names=names)


def _quarantine(client: Client, rejected: list[list[Any]]) -> None:
    if rejected:
        client.insert(f"{RAW_DATABASE}.{REJECTED_TABLE}", rejected, column_names=[c.name for c in REJECTED_COLUMNS])


def pull_omnichat(client: Client, base_url: str, token: str, *, token_env: str = "OMNICHAT_TOKEN",
                  limit: int = 500, overlap: timedelta = timedelta(minutes=10), since: str | None = None,
                  exclusive: bool = True, policy: RetryPolicy = RetryPolicy(), cluster: str | None = None,
                  sleep: Callable[[float], None] = time.sleep,
                  on_page: Callable[[int, int], None] | None = None) -> PullResult:
    """Pull every chat version changed since the cursor, as one batch; returns what happened."""
    started = time.monotonic()
    prepare(client, cluster)
    batches.clean_up_interrupted(client, exclusive=exclusive)
    cursor = batches.last_cursor(client, TABLE.raw_name)
    if since:
        start_from = since
    elif cursor:
        start_from = iso_utc(datetime.fromisoformat(cursor) - overlap)
    else:
        start_from = EPOCH
    api = _Api(base_url, token, token_env, policy, sleep)
    source = f"GET {api.url({'updated_since': start_from})}"
    batch = batches.new_batch(TABLE.raw_name, source, "api")
    result = PullResult(str(batch.batch_id), "committed", start_from, cursor or "")
    batches.record(client, batch, "started")
    meta = {"_batch_id": batch.batch_id, "_source": source, "_loaded_at": batch.started_at}
    newest: datetime | None = None
    rows: list[dict[str, Any]] = []
    rejected: list[list[Any]] = []
    try:
        token_param: str | None = None
        while True:
            params = {"updated_since": start_from, "limit": str(limit)}
            if token_param:
                params["page_token"] = token_param
            document = api.page(params)
            for item in document["items"]:
                result.rows_read += 1
                try:
                    row = item_row(item)
                except ValueError as exc:
                    rejected.append([batch.batch_id, TABLE.raw_name, source, result.rows_read,
                                     json.dumps(item, ensure_ascii=False), str(exc), batch.started_at])
                    continue
                row["_source_row"] = result.rows_read
                rows.append(row)
                newest = row["updated_at"] if newest is None or row["updated_at"] > newest else newest
            result.pages += 1
            if on_page:
                on_page(result.pages, result.rows_read)
            token_param = document.get("next_page_token")
            # Rows go in large inserts (few parts), and all of them before the commit below.
            if len(rows) >= _INSERT_ROWS or not token_param:
                _insert(client, rows, meta)
                result.rows_loaded += len(rows)
                rows = []
            if len(rejected) >= _INSERT_ROWS or not token_param:
                _quarantine(client, rejected)
                result.rows_rejected += len(rejected)
                rejected = []
            if not token_param:
                break
    except BaseException as exc:
        result.status = "failed"
        result.reason = str(exc) if isinstance(exc, PullError) else f"{type(exc).__name__}: {exc}"
        result.reason = " ".join(result.reason.split())
        try:
            batches.delete_batch_rows(client, TABLE.raw_name, batch.batch_id)
            batches.record(client, batch, "failed", reason=result.reason)
        except Exception:
            pass  # the next run finds the batch unfinished and cleans it up
        if not isinstance(exc, Exception):
            raise
        result.retries = api.retries
        result.seconds = time.monotonic() - started
        return result
    if newest is not None:
        candidate = iso_utc(newest.replace(tzinfo=timezone.utc))
        result.cursor = max(candidate, cursor or "") if cursor else candidate
    batches.record(client, batch, "committed", rows_read=result.rows_read, rows_loaded=result.rows_loaded,
                   rows_rejected=result.rows_rejected, cursor=result.cursor)
    result.retries = api.retries
    result.seconds = time.monotonic() - started
    return result
