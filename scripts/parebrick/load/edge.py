"""Where a batch is parsed: in the warehouse itself, or at the edge for a ClickHouse server.

The embedded warehouse reads the extract straight from the inbox (`InWarehouse`). A server cannot read this
machine's files, so for the `server` and `cluster` targets the file is parsed here, by the embedded engine
on a scratch warehouse in a temporary directory, with the same readers as a local load (`readers`): the same
types, quarantine and row numbers. The batch's rows then travel to the server in ClickHouse's Native
format, typed and binary, so nothing is parsed twice and no text is re-encoded on the way (`AtTheEdge`).

Either way the batch's counts are read back from the warehouse that will hold the rows; at the edge they
must equal what the scratch parsed, or the batch fails and is cleaned up like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from clickhouse_connect.driver.client import Client

from parebrick.load import rawwriter, readers
from parebrick.load.csvload import CsvResult, Limits
from parebrick.load.inspect import FileFacts
from parebrick.load.schema import RAW_DATABASE, REJECTED_NAMES, REJECTED_TABLE, Table, raw_columns
from parebrick.load.sql import ident, qualified

_SEND_CHUNK = 1 << 20


class CsvLoader(Protocol):
    """Parses one extract into the batch's rows of `warehouse` and returns the batch's counts.

    Whatever its reader (`readers`): the name is older than the JSON-lines and blocks readers.
    """

    def load(self, warehouse: Client, table: Table, path: Path, facts: FileFacts, *, batch_id: uuid.UUID,
             source: str, loaded_at: datetime, limits: Limits) -> CsvResult: ...


class InWarehouse:
    """The warehouse's own engine reads the file (the embedded target)."""

    def __init__(self) -> None:
        self._landings: dict[str, str] = {}

    def load(self, warehouse: Client, table: Table, path: Path, facts: FileFacts, *, batch_id: uuid.UUID,
             source: str, loaded_at: datetime, limits: Limits) -> CsvResult:
        if table.qualified not in self._landings:
            self._landings[table.qualified] = rawwriter.ensure_landing(warehouse, table)
        return readers.load(warehouse, table, path, facts, landing=self._landings[table.qualified], batch_id=batch_id,
                        source=source, loaded_at=loaded_at, limits=limits)


class AtTheEdge:
    """An embedded scratch warehouse parses the file; its rows are sent to the warehouse as Native blocks."""

    def __init__(self, scratch: Client):
        self.scratch = scratch
        self._local = InWarehouse()
        self._prepared: set[str] = set()

    def load(self, warehouse: Client, table: Table, path: Path, facts: FileFacts, *, batch_id: uuid.UUID,
             source: str, loaded_at: datetime, limits: Limits) -> CsvResult:
        if not self._prepared:
            rawwriter.ensure_bookkeeping(self.scratch)
        if table.qualified not in self._prepared:
            rawwriter.ensure_raw_table(self.scratch, table)
            self._prepared.add(table.qualified)
        raw_table = qualified(RAW_DATABASE, table.raw_name)
        rejected_table = qualified(RAW_DATABASE, REJECTED_TABLE)
        try:
            parsed = self._local.load(self.scratch, table, path, facts, batch_id=batch_id, source=source,
                                      loaded_at=loaded_at, limits=limits)
            if parsed.rows_loaded:
                _send(self.scratch, warehouse, raw_table, [c.name for c in raw_columns(table)], "_batch_id",
                      batch_id)
            if parsed.rows_rejected:
                _send(self.scratch, warehouse, rejected_table, list(REJECTED_NAMES), "batch_id",
                      batch_id)
        finally:
            # The scratch holds one batch at a time: its disk is the size of one file.
            self.scratch.command(f"TRUNCATE TABLE {raw_table}")
            self.scratch.command(f"TRUNCATE TABLE {rejected_table}")
        loaded, rejected = rawwriter.batch_counts(warehouse, table, batch_id)
        if (loaded, rejected) != (parsed.rows_loaded, parsed.rows_rejected):
            raise RuntimeError(f"the warehouse holds {loaded} loaded and {rejected} rejected rows of the batch; "
                               f"{parsed.rows_loaded} and {parsed.rows_rejected} were sent")
        return parsed


def _send(scratch: Client, warehouse: Client, table: str, columns: list[str], batch_column: str,
          batch_id: uuid.UUID) -> None:
    """Stream the batch's rows of `table` from the scratch to the same table of the warehouse."""
    listed = ", ".join(ident(name) for name in columns)
    stream = scratch.raw_stream(f"SELECT {listed} FROM {table} WHERE {ident(batch_column)} = {{batch:UUID}}",
                                parameters={"batch": str(batch_id)}, fmt="Native")
    try:
        warehouse.raw_insert(table, columns, insert_block=_chunks(stream), fmt="Native")
    finally:
        stream.close()  # the scratch serves nothing else while its stream is open, even after a failed send


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_SEND_CHUNK):
        yield chunk
