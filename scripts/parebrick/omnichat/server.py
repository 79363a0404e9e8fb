"""The Omnichat API double: `GET /api/v1/chats?updated_since=&page_token=&limit=` over generated chats.

Semantics (what a loader may rely on, and what it must survive):
  * Items are every stored version of every chat, ordered by (`updated_at`, `chat_id`); that pair is
    unique. `updated_since` (ISO-8601 with `Z` or an offset; naive times are refused) keeps versions with
    `updated_at >= updated_since` — inclusive, so a loader that restarts from the greatest `updated_at` it
    has seen loses nothing and sees at most the boundary versions again (the latest version wins anyway).
  * Pagination is keyset: `next_page_token` encodes the last (`updated_at`, `chat_id`) returned and the
    filter, so the pages of one pull cover every matching version exactly once; it is null on the last
    page. A token is opaque to clients; a token that does not decode, or that was issued for another
    `updated_since`, is a 400.
  * `Authorization: Bearer <token>` is compared in constant time with the token the server was started
    with; a missing or wrong token is a 401. The token is never printed or logged.
  * Faults, deterministic so tests can rely on them: with `rate_limit_every=N` every Nth authorised request
    answers 429 with `Retry-After`; with `fail_every=M` every Mth answers a 5xx (500, 502, 503 in turn).
    A rate-limited request is not also failed.
  * The server binds to 127.0.0.1 only: it is a development double, never a service.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import hmac
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
PATH = "/api/v1/chats"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
ALLOWED_PARAMS = frozenset({"updated_since", "page_token", "limit"})
FAILURE_CODES = (500, 502, 503)


class OmnichatError(Exception):
    """Bad data or arguments for the server (one line, shown to the user)."""


class BadRequest(Exception):
    """A client error answered as 400 with this message."""


@dataclass(frozen=True)
class Faults:
    """Deterministic misbehaviour: every Nth request rate-limited, every Mth failed (0 = never)."""

    rate_limit_every: int = 0
    retry_after: int = 1
    fail_every: int = 0

    def __post_init__(self) -> None:
        if self.rate_limit_every < 0 or self.fail_every < 0 or self.retry_after < 0:
            raise OmnichatError("fault settings must be zero or positive")


class ChatStore:
    """The chat versions in API order, with their sort keys for bisecting."""

    def __init__(self, items: list[dict]) -> None:
        self.items = sorted(items, key=lambda it: (_parse_utc(it["updated_at"]), it["chat_id"]))
        self.keys = [(_parse_utc(it["updated_at"]), it["chat_id"]) for it in self.items]
        if len(set(self.keys)) != len(self.keys):
            raise OmnichatError("two chat versions share (updated_at, chat_id); the API order would be ambiguous")

    @classmethod
    def from_path(cls, data: Path) -> ChatStore:
        """`data` is a `parebrick generate` output folder or a chats.jsonl file."""
        path = data
        if data.is_dir():
            path = data / "omnichat" / "chats.jsonl"
            if not path.exists():
                path = data / "chats.jsonl"
        if not path.is_file():
            raise OmnichatError(f"no chats.jsonl under {data} (run `parebrick generate --out DIR` first)")
        items = []
        with path.open(encoding="utf-8") as fh:
            for no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    _parse_utc(item["updated_at"])
                    item["chat_id"]
                except (ValueError, KeyError, TypeError, BadRequest) as exc:
                    raise OmnichatError(f"{path.name} line {no}: not a chat item ({exc})") from None
                items.append(item)
        return cls(items)

    def page(self, since: dt.datetime | None, after: tuple[dt.datetime, str] | None, limit: int) -> tuple[list[dict], tuple[dt.datetime, str] | None]:
        """Up to `limit` versions after the key `after` (or from `since`), and the last key if more follow."""
        if after is not None:
            lo = bisect.bisect_right(self.keys, after)
        elif since is not None:
            lo = bisect.bisect_left(self.keys, (since, ""))
        else:
            lo = 0
        hi = min(lo + limit, len(self.items))
        more = hi < len(self.items)
        return self.items[lo:hi], (self.keys[hi - 1] if more and hi > lo else None)


def _parse_utc(text: str) -> dt.datetime:
    """ISO-8601 with `Z` or an offset, as an aware UTC datetime; naive or malformed text is a BadRequest."""
    if not isinstance(text, str) or not text:
        raise BadRequest("timestamp must be ISO-8601 text")
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadRequest(f"not an ISO-8601 timestamp: {text!r}") from None
    if value.tzinfo is None:
        raise BadRequest(f"timestamp needs a UTC offset or Z: {text!r}")
    return value.astimezone(dt.timezone.utc)


def _encode_token(key: tuple[dt.datetime, str], since: str) -> str:
    raw = json.dumps({"u": key[0].isoformat(), "c": key[1], "s": since}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_token(token: str) -> tuple[tuple[dt.datetime, str], str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        obj = json.loads(raw.decode("utf-8"))
        return (_parse_utc(obj["u"]), str(obj["c"])), str(obj["s"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, BadRequest):
        raise BadRequest("invalid page_token") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, store: ChatStore, token: str, faults: Faults,
                 log: Callable[[str], None] | None) -> None:
        super().__init__((HOST, port), _Handler)
        self.store, self.token, self.faults, self.log = store, token, faults, log
        self.counter = 0
        self.lock = threading.Lock()

    def next_request_no(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        """Log method, path and status only (never headers, so never the token)."""
        if self.server.log:
            self.server.log(f"{self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}".rstrip())

    def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        url = urlsplit(self.path)
        if url.path != PATH:
            self._send(404, {"error": "not_found", "message": f"no such endpoint: {url.path}"})
            return
        auth = self.headers.get("Authorization", "")
        scheme, _, given = auth.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.server.token.encode()):
            self._send(401, {"error": "unauthorized", "message": "missing or invalid bearer token"},
                       {"WWW-Authenticate": 'Bearer realm="omnichat"'})
            return
        no = self.server.next_request_no()
        f = self.server.faults
        if f.rate_limit_every and no % f.rate_limit_every == 0:
            self._send(429, {"error": "rate_limited", "message": "too many requests"},
                       {"Retry-After": str(f.retry_after)})
            return
        if f.fail_every and no % f.fail_every == 0:
            code = FAILURE_CODES[(no // f.fail_every - 1) % len(FAILURE_CODES)]
            self._send(code, {"error": "server_error", "message": "temporary failure, retry later"})
            return
        try:
            body = self._chats(url.query)
        except BadRequest as exc:
            self._send(400, {"error": "bad_request", "message": str(exc)})
            return
        self._send(200, body)

    def _chats(self, query: str) -> dict:
        params = parse_qs(query, keep_blank_values=True, strict_parsing=False)
        unknown = sorted(set(params) - ALLOWED_PARAMS)
        if unknown:
            raise BadRequest(f"unknown parameter(s): {', '.join(unknown)}")
        for name, values in params.items():
            if len(values) > 1:
                raise BadRequest(f"parameter {name} given more than once")
        one = {k: v[0] for k, v in params.items()}
        limit_text = one.get("limit", str(DEFAULT_LIMIT))
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}")
        since_text = one.get("updated_since", "")
        since = _parse_utc(since_text) if since_text else None
        after = None
        if "page_token" in one:
            after, token_since = _decode_token(one["page_token"])
            if "updated_since" in one and token_since != since_text:
                raise BadRequest("page_token belongs to another updated_since")
        items, last = self.server.store.page(since, after, int(limit_text))
        return {"items": items, "next_page_token": _encode_token(last, since_text) if last else None}


def start_server(data: Path | ChatStore, token: str, port: int = 0, *, rate_limit_every: int = 0,
                 retry_after: int = 1, fail_every: int = 0,
                 log: Callable[[str], None] | None = None) -> tuple[str, Callable[[], None]]:
    """Serve in a background thread; returns (base URL, stop). Port 0 picks a free port."""
    if not token:
        raise OmnichatError("the API token is empty")
    store = data if isinstance(data, ChatStore) else ChatStore.from_path(Path(data))
    server = _Server(port, store, token, Faults(rate_limit_every, retry_after, fail_every), log)
    thread = threading.Thread(target=server.serve_forever, name="omnichat-api", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    host, bound_port = server.server_address[:2]
    return f"http://{host}:{bound_port}", stop


def serve_forever(data: Path, token: str, port: int, faults: Faults) -> None:
    """The command's loop: serve in the foreground until interrupted, logging one line per request."""
    store = ChatStore.from_path(data)
    server = _Server(port, store, token, faults, lambda line: print(line, file=sys.stderr, flush=True))
    host, bound_port = server.server_address[:2]
    print(f"omnichat-api: {len(store.items)} chat versions at http://{host}:{bound_port}{PATH} (Ctrl+C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
