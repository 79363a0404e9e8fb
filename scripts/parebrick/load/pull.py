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
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from parebrick.load import batches, redact
from parebrick.load.items import item_row
from parebrick.load.registry import get
from parebrick.load.runner import prepare
from parebrick.load.schema import META_COLUMNS, RAW_DATABASE, Table

TABLE = "cms.omnichat_chats"
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


class _Retryable(Exception):
    """A page answer worth asking again: 429 (with its Retry-After), a 5xx or a network error."""

    def __init__(self, what: str, retry_after: float | None = None):
        super().__init__(what)
        self.retry_after = retry_after


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
        backoff = wait_exponential(multiplier=self.policy.base_delay, min=self.policy.base_delay,
                                   max=self.policy.max_delay)

        def wait(state: RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, _Retryable) and failure.retry_after is not None:
                return failure.retry_after
            return backoff(state)

        def count(state: RetryCallState) -> None:
            self.retries += 1

        retrying = Retrying(stop=stop_after_attempt(self.policy.attempts), wait=wait, sleep=self.sleep,
                            retry=retry_if_exception_type(_Retryable), before_sleep=count, reraise=True)
        try:
            return retrying(self._fetch, params)
        except _Retryable as last:
            raise PullError(f"gave up on {PATH} after {self.policy.attempts} attempts (last: {last})") from None

    def _fetch(self, params: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(self.url(params), headers={
            "Authorization": f"Bearer {self._token}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.policy.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise PullError(f"the API refused the token (HTTP {exc.code}); check the environment "
                                f"variable {self.token_env}") from None
            if exc.code not in _RETRYABLE:
                detail = exc.read(300).decode("utf-8", "replace").replace("\n", " ")
                raise PullError(f"the API answered HTTP {exc.code}: {detail}") from None
            after = _retry_after(exc.headers.get("Retry-After"), self.policy) if exc.code == 429 else None
            raise _Retryable(f"HTTP {exc.code}", after) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise _Retryable(f"network error: {getattr(exc, 'reason', exc)}") from None
        try:
            document = json.loads(body)
        except ValueError:
            raise PullError(f"the API answered something that is not JSON ({len(body)} bytes)") from None
        if not isinstance(document, dict) or not isinstance(document.get("items"), list):
            raise PullError("the API answer has no `items` list")
        return document


def _insert(client: Client, table: Table, rows: list[dict[str, Any]], batch: batches.Batch) -> None:
    if not rows:
        return
    names = [*table.column_names, *(column.name for column in META_COLUMNS)]
    data = [[row[name] for name in table.column_names] + [batch.batch_id, batch.source, row["_source_row"],
                                                          batch.started_at] for row in rows]
    client.insert(f"{RAW_DATABASE}.{table.raw_name}", data, column_names=names)


def _failed(exc: BaseException) -> tuple[str, str]:
    reason = str(exc) if isinstance(exc, PullError) else f"{type(exc).__name__}: {exc}"
    return "failed", " ".join(reason.split())


def pull_omnichat(client: Client, base_url: str, token: str, *, token_env: str = "OMNICHAT_TOKEN",
                  limit: int = 500, overlap: timedelta = timedelta(minutes=10), since: str | None = None,
                  exclusive: bool = True, policy: RetryPolicy = RetryPolicy(), cluster: str | None = None,
                  sleep: Callable[[float], None] = time.sleep,
                  on_page: Callable[[int, int], None] | None = None) -> PullResult:
    """Pull every chat version changed since the cursor, as one batch; returns what happened."""
    started = time.monotonic()
    prepare(client, cluster)
    batches.clean_up_interrupted(client, exclusive=exclusive)
    table = get(TABLE)
    cursor = batches.last_cursor(client, table.raw_name)
    if since:
        start_from = since
    elif cursor:
        start_from = iso_utc(datetime.fromisoformat(cursor) - overlap)
    else:
        start_from = EPOCH
    api = _Api(base_url, token, token_env, policy, sleep)
    source = f"GET {api.url({'updated_since': start_from})}"
    batch = batches.new_batch(table.raw_name, source, "api")
    result = PullResult(str(batch.batch_id), "committed", start_from, cursor or "")
    newest: datetime | None = None
    rows: list[dict[str, Any]] = []
    rejected: list[batches.Rejection] = []
    try:
        with batches.lifecycle(client, batch, _failed) as run:
            token_param: str | None = None
            while True:
                params = {"updated_since": start_from, "limit": str(limit)}
                if token_param:
                    params["page_token"] = token_param
                document = api.page(params)
                for item in document["items"]:
                    result.rows_read += 1
                    try:
                        row = item_row(table, item)
                    except ValueError as exc:
                        rejected.append(batches.Rejection(result.rows_read, redact.item(table, item),
                                                          str(exc)))
                        continue
                    row["_source_row"] = result.rows_read
                    rows.append(row)
                    version = row[table.version_column]
                    newest = version if newest is None or version > newest else newest
                result.pages += 1
                if on_page:
                    on_page(result.pages, result.rows_read)
                token_param = document.get("next_page_token")
                # Rows go in large inserts (few parts), and all of them before the commit below.
                if len(rows) >= _INSERT_ROWS or not token_param:
                    _insert(client, table, rows, batch)
                    result.rows_loaded += len(rows)
                    rows = []
                if len(rejected) >= _INSERT_ROWS or not token_param:
                    result.rows_rejected += run.quarantine(rejected)
                    rejected = []
                if not token_param:
                    break
            if newest is not None:
                candidate = iso_utc(newest.replace(tzinfo=timezone.utc))
                result.cursor = max(candidate, cursor or "") if cursor else candidate
            run.commit(batches.Counts(result.rows_loaded, result.rows_rejected), cursor=result.cursor)
    except batches.BatchFailed as failed:
        result.status, result.reason = failed.status, failed.reason
    result.retries = api.retries
    result.seconds = time.monotonic() - started
    return result
