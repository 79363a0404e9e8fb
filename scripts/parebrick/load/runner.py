"""Load an inbox: every new file of every registered table, one batch each, committed one by one.

The landing zone is `<inbox>/<group>/<table>/<name>` with the suffixes of the table's format (`.csv[.gz]`,
`.jsonl[.gz]`), each file read by its table's reader (`readers`). Nothing in the inbox is touched; what
was loaded, rejected or skipped is recorded in `raw.load_batches`. A file that cannot be loaded is
recorded with its reason and the run goes on with the next one.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError

from parebrick.load import batches, rawwriter, redact
from parebrick.load.csvload import Limits, condense_reason
from parebrick.load.edge import CsvLoader, InWarehouse
from parebrick.load.inspect import FileFacts, FileRejected, inspect_file
from parebrick.load.readers import first_look
from parebrick.load import registry
from parebrick.load.schema import Table

_PARSE_ERROR = re.compile(r"\((CANNOT_PARSE_\w+|INCORRECT_DATA|CANNOT_READ_ALL_DATA|TOO_MANY_\w+)\)")


@dataclass
class FileOutcome:
    table: str
    source: str
    status: str  # loaded, skipped, rejected, failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    reason: str = ""
    batch_id: str = ""
    size_bytes: int = 0


@dataclass
class RunResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    aborted: list[batches.Batch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(o.status in ("loaded", "skipped") for o in self.outcomes)


class Reporter(Protocol):
    def file_started(self, table: str, source: str, size_bytes: int, path: Path | None = None) -> None: ...
    def file_finished(self, outcome: FileOutcome) -> None: ...


class _Silent:
    def file_started(self, table: str, source: str, size_bytes: int, path: Path | None = None) -> None:
        pass

    def file_finished(self, outcome: FileOutcome) -> None:
        pass


def discover(inbox: Path, only: set[str] | None, tables: Sequence[Table]) -> tuple[list[tuple[Table, Path]], list[str]]:
    """The extracts of `tables` in the inbox, table by table in declaration order, files by name; and what does
    not belong."""
    found: list[tuple[Table, Path]] = []
    problems: list[str] = []
    if not inbox.is_dir():
        return [], [f"inbox {inbox} is not a directory"]
    declared = [t for t in tables if t.format.reader != "api"]
    known = {(t.group, t.name) for t in declared}
    for group_dir in sorted(p for p in inbox.iterdir() if p.is_dir()):
        for table_dir in sorted(p for p in group_dir.iterdir() if p.is_dir()):
            if (group_dir.name, table_dir.name) not in known:
                problems.append(f"{table_dir.relative_to(inbox)}: no such table is declared in its group's sources YAML; its files were not loaded")
    for table in declared:
        if only and table.qualified not in only:
            continue
        directory = inbox / table.group / table.name
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.name.lower().endswith(table.format.suffixes):
                found.append((table, path))
            elif path.is_file() and not path.name.startswith("."):
                problems.append(f"{path.relative_to(inbox)}: not a {' or '.join(table.format.suffixes)} file; "
                                "not loaded")
    return found, problems


def prepare(client: Client, cluster: str | None = None, tables: Sequence[Table] | None = None) -> None:
    """Create the bookkeeping tables and every declared raw table (so staging finds them all)."""
    rawwriter.ensure_bookkeeping(client, cluster)
    rawwriter.ensure_raw_tables(client, list(registry.tables().values()) if tables is None else list(tables), cluster)


def load_inbox(client: Client, inbox: Path, *, only: set[str] | None = None, exclusive: bool = True,
               limits: Limits = Limits(), retry_rejected: bool = False, reporter: Reporter | None = None,
               cluster: str | None = None, loader: CsvLoader | None = None,
               tables: Sequence[Table] | None = None) -> RunResult:
    """Load the inbox's new files into `client`'s warehouse; `loader` parses them (default: that warehouse).

    `tables`: the raw tables this run knows (default: the project's declarations), e.g. a test's own.
    """
    reporter = reporter or _Silent()
    loader = loader or InWarehouse()
    tables = list(registry.tables().values()) if tables is None else list(tables)
    result = RunResult()
    if only:
        unknown = sorted(name for name in only if name not in {t.qualified for t in tables})
        if unknown:
            result.problems.append(f"--only names tables that are not declared: {', '.join(unknown)}")
            return result
    prepare(client, cluster, tables)
    result.aborted = batches.clean_up_interrupted(client, exclusive=exclusive)
    files, result.problems = discover(inbox, only, tables)
    for table, path in files:
        source = path.relative_to(inbox).as_posix()
        reporter.file_started(table.qualified, source, path.stat().st_size, path)
        outcome = _load_file(client, loader, table, path, source, limits, retry_rejected)
        result.outcomes.append(outcome)
        reporter.file_finished(outcome)
    return result


def _one_line(text: str, limit: int = 400) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Identity(threading.Thread):
    """The full identity pass (hash, encoding, completeness) of a file, run while the engine loads it."""

    def __init__(self, path: Path, table: Table):
        super().__init__(name="parebrick-identity", daemon=True)
        self.path, self.table = path, table
        self.facts: FileFacts | None = None
        self.refusal: str | None = None

    def run(self) -> None:
        try:
            self.facts = inspect_file(self.path, self.table)
        except FileRejected as exc:
            self.refusal = str(exc)
        except OSError as exc:
            self.refusal = f"cannot read the file: {exc.strerror}"


class _Refused(Exception):
    """The identity pass refused a file that had already started loading."""


def _load_file(client: Client, loader: CsvLoader, table: Table, path: Path, source: str, limits: Limits,
               retry_rejected: bool) -> FileOutcome:
    started = time.monotonic()
    outcome = FileOutcome(table.qualified, source, "loaded", size_bytes=path.stat().st_size)
    try:
        header, extra = first_look(path, table)
    except FileRejected as exc:
        return _reject_whole(client, table, path, outcome, started, str(exc), retry_rejected)
    except OSError as exc:
        return _reject_whole(client, table, path, outcome, started, f"cannot read the file: {exc.strerror}",
                             retry_rejected)

    identity: _Identity | None = None
    if batches.may_be_a_copy(client, table.raw_name, outcome.size_bytes):
        # Same size as a file seen before: learn its identity first, it may be a copy to skip.
        identity = _Identity(path, table)
        identity.run()
        if identity.refusal is not None:
            return _reject_whole(client, table, path, outcome, started, identity.refusal, retry_rejected)
        assert identity.facts is not None
        facts = identity.facts
        previous = batches.previous_outcome(client, table.raw_name, facts.sha256)
        if previous and (previous[0] == "committed" or not retry_rejected):
            what = "already loaded" if previous[0] == "committed" else f"rejected before: {previous[2]}"
            return _skipped(outcome, started, f"{what} (batch {str(previous[1])[:8]})", previous[1])
        identity = None
    else:
        # A size never seen cannot be a copy: the engine starts at once and the identity pass runs beside it.
        facts = FileFacts("", outcome.size_bytes, path.name.lower().endswith(".gz"), header, extra)
        identity = _Identity(path, table)
        identity.start()

    batch = batches.new_batch(table.raw_name, source, "file", facts.sha256, facts.size_bytes)
    outcome.batch_id = str(batch.batch_id)

    def classify(exc: BaseException) -> tuple[str, str]:
        """Rejected (the file is refused) or failed (to retry on the next run), and why, in one line."""
        if identity is not None and identity.is_alive():
            identity.join()
        if (identity is not None and identity.refusal is not None and isinstance(exc, Exception)
                and not isinstance(exc, _Refused)):
            exc = _Refused(identity.refusal)  # the engine tripped over what the identity pass names better
        # The engine gives up on a file when its malformed rows pass the limits: the file is refused, like an
        # unreadable one. Anything else (disk, connection) is a failure to retry on the next run.
        malformed = isinstance(exc, ClickHouseError) and _PARSE_ERROR.search(str(exc)) is not None
        if isinstance(exc, (_Refused, FileRejected)):  # FileRejected: the reader found it is no extract
            status, reason = "rejected", _one_line(redact.message(table, str(exc)))
        elif malformed:
            status, reason = "rejected", (
                f"more malformed rows than allowed ({limits.max_bad_rows} rows and {limits.max_bad_ratio:.0%} "
                f"of the file), or a row that cannot be delimited; last error: "
                f"{_one_line(redact.message(table, condense_reason(str(exc))))}")
        else:
            status, reason = "failed", _one_line(f"{type(exc).__name__}: "
                                                 f"{redact.message(table, condense_reason(str(exc)))}")
        if status == "rejected" and not batch.content_sha256:
            batch.content_sha256 = identity.facts.sha256 if identity and identity.facts else _sha_or_empty(path)
        return status, reason

    try:
        with batches.lifecycle(client, batch, classify) as run:
            counts = loader.load(client, table, path, facts, batch_id=batch.batch_id, source=source,
                                 loaded_at=batch.started_at, limits=limits)
            if identity is not None:
                identity.join()
                if identity.refusal is not None:
                    raise _Refused(identity.refusal)
                assert identity.facts is not None
                batch.content_sha256 = identity.facts.sha256
            run.commit(batches.Counts(counts.rows_loaded, counts.rows_rejected))
    except batches.BatchFailed as failed:
        outcome.status, outcome.reason = failed.status, failed.reason
        outcome.seconds = time.monotonic() - started
        return outcome
    outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected = counts.rows_read, counts.rows_loaded, counts.rows_rejected
    outcome.seconds = time.monotonic() - started
    return outcome


def _reject_whole(client: Client, table: Table, path: Path, outcome: FileOutcome, started: float, reason: str,
                  retry_rejected: bool) -> FileOutcome:
    """Record a file that cannot be loaded at all (unless these bytes were refused before)."""
    sha = _sha_or_empty(path)
    previous = batches.previous_outcome(client, table.raw_name, sha) if sha else None
    if previous and previous[0] == "rejected" and not retry_rejected:
        return _skipped(outcome, started, f"rejected before (batch {str(previous[1])[:8]}): {previous[2]}",
                        previous[1])
    batch = batches.new_batch(table.raw_name, outcome.source, "file", sha, outcome.size_bytes)
    batches.record(client, batch, "rejected", reason=reason)
    outcome.status, outcome.reason, outcome.batch_id = "rejected", reason, str(batch.batch_id)
    outcome.seconds = time.monotonic() - started
    return outcome


def _skipped(outcome: FileOutcome, started: float, reason: str, batch_id: str) -> FileOutcome:
    outcome.status, outcome.reason, outcome.batch_id = "skipped", reason, batch_id
    outcome.seconds = time.monotonic() - started
    return outcome


def _sha_or_empty(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
