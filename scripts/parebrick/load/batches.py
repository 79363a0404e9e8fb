"""The batch log: a batch's rows become visible to staging only when its `committed` event is written.

ClickHouse has no multi-statement transactions, so visibility is a single-row insert into
`raw.load_batches` after all the batch's rows are written. A process that dies before that leaves rows
nobody reads; the next run finds the batch without a final event, removes its rows and records it as
`aborted` before loading anything.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from clickhouse_connect.driver.client import Client

from parebrick.load.schema import BATCH_COLUMNS, BATCHES_TABLE, RAW_DATABASE, REJECTED_NAMES, REJECTED_TABLE
from parebrick.load.sql import qualified

FINAL_STATUSES = ("committed", "rejected", "failed", "aborted")
_BATCHES = qualified(RAW_DATABASE, BATCHES_TABLE)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Batch:
    batch_id: uuid.UUID
    table_name: str
    source: str
    source_kind: str
    content_sha256: str = ""
    size_bytes: int = 0
    started_at: datetime | None = None

    def __post_init__(self) -> None:
        self.started_at = self.started_at or now_utc()


def new_batch(table_name: str, source: str, source_kind: str, content_sha256: str = "", size_bytes: int = 0) -> Batch:
    return Batch(uuid.uuid4(), table_name, source, source_kind, content_sha256, size_bytes)


def record(client: Client, batch: Batch, status: str, *, rows_read: int = 0, rows_loaded: int = 0,
           rows_rejected: int = 0, reason: str = "", cursor: str = "") -> None:
    """Append one event of `batch` to the batch log."""
    row = {
        "batch_id": batch.batch_id, "table_name": batch.table_name, "source": batch.source,
        "source_kind": batch.source_kind, "content_sha256": batch.content_sha256, "size_bytes": batch.size_bytes,
        "status": status, "rows_read": rows_read, "rows_loaded": rows_loaded, "rows_rejected": rows_rejected,
        "reason": reason, "cursor": cursor, "started_at": batch.started_at, "event_at": now_utc(),
        "host": socket.gethostname(), "pid": os.getpid(),
    }
    names = [column.name for column in BATCH_COLUMNS]
    client.insert(f"{RAW_DATABASE}.{BATCHES_TABLE}", [[row[name] for name in names]], column_names=names)


def previous_outcome(client: Client, table_name: str, content_sha256: str) -> tuple[str, str, str] | None:
    """(status, batch id, reason) of the latest committed or rejected batch of these exact bytes, if any."""
    rows = client.query(
        f"SELECT status, toString(batch_id), reason FROM {_BATCHES} "
        "WHERE table_name = {table:String} AND content_sha256 = {sha:String} AND status IN ('committed', 'rejected') "
        "ORDER BY status = 'committed' DESC, event_at DESC LIMIT 1",
        parameters={"table": table_name, "sha": content_sha256},
    ).result_rows
    return tuple(rows[0]) if rows else None  # type: ignore[return-value]


def may_be_a_copy(client: Client, table_name: str, size_bytes: int) -> bool:
    """Whether a committed or rejected batch of this table had a file of exactly this size.

    Only such a file can be a copy of one seen before; any other can start loading while its identity
    is still being computed.
    """
    rows = client.query(
        f"SELECT count() FROM {_BATCHES} WHERE table_name = {{table:String}} AND size_bytes = {{size:UInt64}} "
        "AND status IN ('committed', 'rejected')", parameters={"table": table_name, "size": size_bytes},
    ).result_rows
    return bool(rows[0][0])


def last_cursor(client: Client, table_name: str) -> str | None:
    """The cursor of the latest committed batch of an API table."""
    rows = client.query(
        f"SELECT cursor FROM {_BATCHES} WHERE table_name = {{table:String}} AND status = 'committed' "
        "AND cursor != '' ORDER BY event_at DESC LIMIT 1",
        parameters={"table": table_name},
    ).result_rows
    return rows[0][0] if rows else None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def delete_batch_rows(client: Client, raw_table: str, batch_id: uuid.UUID) -> None:
    """Remove every row a batch wrote, in its raw table and in the quarantine."""
    params = {"batch": str(batch_id)}
    settings = {"mutations_sync": 2}
    client.command(f"DELETE FROM {qualified(RAW_DATABASE, raw_table)} WHERE _batch_id = {{batch:UUID}}",
                   parameters=params, settings=settings)
    client.command(f"DELETE FROM {qualified(RAW_DATABASE, REJECTED_TABLE)} WHERE batch_id = {{batch:UUID}}",
                   parameters=params, settings=settings)


def clean_up_interrupted(client: Client, *, exclusive: bool, stale_after: timedelta = timedelta(hours=6)) -> list[Batch]:
    """Remove the rows of batches that started and never finished, and record them as aborted.

    With `exclusive` (the embedded engine admits one process) every unfinished batch is an interrupted one.
    On a shared server, a batch is taken as interrupted when its process on this host is gone, or when it
    is older than `stale_after`, so a load running elsewhere is left alone.
    """
    rows = client.query(
        f"SELECT batch_id, any(table_name), any(source), any(source_kind), any(content_sha256), any(size_bytes), "
        f"min(started_at), any(host), any(pid) FROM {_BATCHES} GROUP BY batch_id "
        "HAVING countIf(status != 'started') = 0"
    ).result_rows
    host = socket.gethostname()
    aborted = []
    for batch_id, table_name, source, kind, sha, size, started_at, batch_host, pid in rows:
        started = started_at.replace(tzinfo=timezone.utc) if started_at.tzinfo is None else started_at
        interrupted = (
            exclusive
            or (batch_host == host and not _process_alive(pid))
            or now_utc() - started > stale_after
        )
        if not interrupted:
            continue
        batch = Batch(batch_id, table_name, source, kind, sha, size, started)
        delete_batch_rows(client, table_name, batch_id)
        record(client, batch, "aborted", reason="interrupted before commit; its rows were removed")
        aborted.append(batch)
    return aborted


@dataclass(frozen=True)
class Rejection:
    """A row of a source that is quarantined instead of loaded: where it was, what it said, why."""

    source_row: int
    raw_text: str
    reason: str


def quarantine(client: Client, batch: Batch, rejections: Iterable[Rejection]) -> int:
    """Write rejected rows of `batch` to the quarantine; returns how many."""
    rows = [[batch.batch_id, batch.table_name, batch.source, r.source_row, r.raw_text, r.reason, batch.started_at]
            for r in rejections]
    if rows:
        client.insert(f"{RAW_DATABASE}.{REJECTED_TABLE}", rows, column_names=list(REJECTED_NAMES))
    return len(rows)


@dataclass
class Counts:
    rows_loaded: int = 0
    rows_rejected: int = 0

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_rejected


class BatchFailed(Exception):
    """A batch ended without commit: its rows were removed and `status` (rejected or failed) recorded with why."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# Turns what broke a batch into its final event: (status, one-line reason).
Classify = Callable[[BaseException], tuple[str, str]]


def _failed(exc: BaseException) -> tuple[str, str]:
    return "failed", " ".join(f"{type(exc).__name__}: {exc}".split())


class OpenBatch:
    """A started batch: its rows go in, rejected rows go to quarantine, and it ends once, by `commit`."""

    def __init__(self, client: Client, batch: Batch):
        self.client, self.batch = client, batch
        self.committed = False

    def quarantine(self, rejections: Iterable[Rejection]) -> int:
        return quarantine(self.client, self.batch, rejections)

    def commit(self, counts: Counts, cursor: str = "") -> None:
        """Make the batch's rows visible: one row in the batch log, with its counts (and an API cursor)."""
        record(self.client, self.batch, "committed", rows_read=counts.rows_read, rows_loaded=counts.rows_loaded,
               rows_rejected=counts.rows_rejected, cursor=cursor)
        self.committed = True


@contextmanager
def lifecycle(client: Client, batch: Batch, classify: Classify = _failed) -> Iterator[OpenBatch]:
    """Start `batch`, hand it to the block, and end it: committed by the block, or cleaned up and recorded.

    Any exception leaving the block before `commit` deletes the rows the batch wrote (raw and quarantine)
    and records its final event as `classify` names it; an `Exception` then surfaces as `BatchFailed`, and
    an interrupt (KeyboardInterrupt, SystemExit) is re-raised as it is. If even the clean-up fails, the
    next run finds the batch unfinished and removes its rows (`clean_up_interrupted`).
    """
    record(client, batch, "started")
    run = OpenBatch(client, batch)
    try:
        yield run
    except BaseException as exc:
        status, reason = classify(exc)
        try:
            delete_batch_rows(client, batch.table_name, batch.batch_id)
            record(client, batch, status, reason=reason)
        except Exception:
            pass  # the next run finds the batch unfinished and cleans it up
        if not isinstance(exc, Exception):
            raise
        raise BatchFailed(status, reason) from exc
    if not run.committed:
        raise RuntimeError(f"batch {batch.batch_id} left its block without a commit")
