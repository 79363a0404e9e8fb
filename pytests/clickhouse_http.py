"""A ClickHouse server for the tests: the embedded engine behind ClickHouse's HTTP interface.

The `server` target cannot be tested against a ClickHouse server here (none can be installed on the test
machines), so this process plays one: every statement runs on a real ClickHouse engine (chDB, on its own
data directory), and only the HTTP framing is ours. It speaks the part of the interface that
clickhouse-connect uses: the statement in the `query` parameter or the body, data for an INSERT in the
body (plain or compressed), `param_*` query parameters, settings as URL parameters, `default_format`, and
errors as status 500 with ClickHouse's `Code: N. DB::Exception: …` text.

Where the engine cannot be what a server is, this double is stricter, never looser: it runs in its own
process and working directory, and it refuses table functions that read the local file system, as a
server would read its own disk, not the client's.

Run: python clickhouse_http.py --path DIR; it prints `port N` when it listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import chdb

# URL parameters of the HTTP interface that are not settings.
_PROTOCOL_PARAMS = {"query", "database", "default_format", "session_id", "session_timeout", "session_check",
                    "query_id", "user", "password", "quota_key", "compress", "decompress", "buffer_size",
                    "wait_end_of_query", "client_protocol_version", "role"}
_INSERT_WITH_DATA = re.compile(r"^\s*INSERT\s+INTO\s+(?P<target>.+?)\s+FORMAT\s+(?P<format>\w+)\s*$",
                               re.IGNORECASE | re.DOTALL)
# An INSERT whose statement leads the body, its data after the first line break (how small inserts arrive).
_LEADING_INSERT = re.compile(rb"^(\s*INSERT\s+INTO\s[^\n]+?\s+FORMAT\s+\w+)[ \t]*\r?\n", re.IGNORECASE)
_FILE_FUNCTIONS = re.compile(r"\b(file|url|s3|hdfs|azureBlobStorage)\s*\(", re.IGNORECASE)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`")
_CODE = re.compile(r"Code: (\d+)\.")


def _decompress(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "lz4":
        import lz4.frame

        return lz4.frame.decompress(body)
    if encoding == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


class Engine:
    """One engine, one statement at a time (as one server session would run them)."""

    def __init__(self, path: str):
        self.connection = chdb.connect(f"file:{path}")
        self.lock = threading.Lock()
        self.scratch = tempfile.mkdtemp(prefix="clickhouse-http-")

    def run(self, statement: str, data: bytes | None, settings: dict[str, str], params: dict[str, str],
            database: str | None, fmt: str) -> tuple[bytes, dict[str, str]]:
        if _FILE_FUNCTIONS.search(_QUOTED.sub("''", statement)):
            raise PermissionError("Code: 446. DB::Exception: this test server refuses table functions that read the "
                                  "file system: a server cannot read the client's files. (FUNCTION_NOT_ALLOWED)")
        infile = None
        if data:
            match = _INSERT_WITH_DATA.match(statement)
            if match is None:
                raise ValueError("Code: 62. DB::Exception: this test server takes a body only as the data of "
                                 "INSERT INTO … FORMAT …. (SYNTAX_ERROR)")
            infile = os.path.join(self.scratch, f"{uuid.uuid4().hex}.data")
            with open(infile, "wb") as handle:
                handle.write(data)
            statement = (f"INSERT INTO {match.group('target')} FROM INFILE '{infile}' "
                         f"FORMAT {match.group('format')}")
        with self.lock:
            applied = []
            try:
                if database:
                    self.connection.query(f"USE `{database}`")
                for name, value in settings.items():
                    if not re.fullmatch(r"\w+", name):
                        continue
                    quoted = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
                    self.connection.query(f"SET {name} = {quoted}")
                    applied.append(name)
                result = self.connection.query(statement, fmt, params=params)
                output = result.bytes() if hasattr(result, "bytes") else bytes(result)
                summary = {"read_rows": str(result.rows_read()), "read_bytes": str(result.bytes_read()),
                           "written_rows": "0", "written_bytes": "0", "total_rows_to_read": "0",
                           "result_rows": "0", "result_bytes": str(len(output)), "elapsed_ns": "0"}
                return output or b"", summary
            finally:
                for name in applied:
                    self.connection.query(f"SET {name} = DEFAULT")
                self.connection.query("USE default")
                if infile:
                    os.unlink(infile)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    engine: Engine

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve(b"")

    def do_POST(self) -> None:  # noqa: N802
        self._serve(self._body())

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            body = b"".join(parts)
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return _decompress(body, self.headers.get("Content-Encoding", ""))

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        if url.path in ("/ping", "/"):
            if url.path == "/ping" or not url.query and not body:
                self._reply(200, b"Ok.\n", {})
                return
        args = dict(parse_qsl(url.query, keep_blank_values=True))
        statement = args.get("query")
        data: bytes | None = body
        if statement is None:
            leading = _LEADING_INSERT.match(body)
            if leading:
                statement, data = leading.group(1).decode(), body[leading.end():]
            else:
                statement, data = body.decode(), None
        elif not body:
            data = None
        params = {name[len("param_"):]: value for name, value in args.items() if name.startswith("param_")}
        settings = {name: value for name, value in args.items()
                    if name not in _PROTOCOL_PARAMS and not name.startswith("param_")}
        settings.pop("enable_http_compression", None)  # responses are sent plain
        fmt = args.get("default_format") or "TabSeparated"
        try:
            output, summary = self.engine.run(statement, data, settings, params, args.get("database"), fmt)
        except Exception as exc:  # every engine error goes back to the client, as a server's would
            text = str(exc)
            if "DB::Exception" not in text:
                text = f"Code: 1000. DB::Exception: {text}"
            code = _CODE.search(text)
            self._reply(500, (text.rstrip() + "\n").encode(),
                        {"X-ClickHouse-Exception-Code": code.group(1) if code else "1000"})
            return
        self._reply(200, output, {"X-ClickHouse-Summary": json.dumps(summary), "X-ClickHouse-Format": fmt})

    def _reply(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-ClickHouse-Server-Display-Name", "parebrick-test-server")
        self.send_header("X-ClickHouse-Timezone", "UTC")
        self.send_header("X-ClickHouse-Query-Id", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", required=True, help="data directory of the engine")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    path = os.path.abspath(args.path)
    os.chdir(tempfile.mkdtemp(prefix="clickhouse-http-cwd-"))
    Handler.engine = Engine(path)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
