"""Which reader reads a table's files (`Format.reader`): each reader has one job, and this picks it.

- `csv` (`csvload`): a header row, the engine's CSV parser; its fast parallel way for plain files.
- `jsonl` (`jsonl`): one JSON object a line, the engine's JSON functions.
- `blocks` (`blocks`): headerless rows of fixed layouts in blocks, split by the engine.

Every reader writes through the same landing and routing views (`rawwriter`) and types its fields with the
same expressions (`values`), so a batch's rows read = loaded + rejected whichever reader read it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.load.blocks import load_blocks
from parebrick.load.csvload import CsvResult, Limits, load_csv
from parebrick.load import filename
from parebrick.load.inspect import FileFacts, read_header
from parebrick.load.jsonl import load_jsonl
from parebrick.load.schema import Table


def first_look(path: Path, table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(header, extra columns) of a CSV extract, () for the others; FileRejected when the file is not one."""
    filename.name_values(table, path.name)
    if table.format.reader == "csv":
        return read_header(path, table)
    return (), ()


def load(client: Client, table: Table, path: Path, facts: FileFacts, *, landing: str, batch_id: uuid.UUID,
         source: str, loaded_at: datetime, limits: Limits = Limits()) -> CsvResult:
    """Write the rows of one file through `landing` with its table's reader; returns the batch's counts."""
    filename.check(client, table, path.name)
    reader = table.format.reader
    if reader == "csv":
        return load_csv(client, table, path, facts, landing=landing, batch_id=batch_id, source=source,
                        loaded_at=loaded_at, limits=limits)
    if reader == "jsonl":
        return load_jsonl(client, table, path, facts, landing=landing, batch_id=batch_id, source=source,
                          loaded_at=loaded_at)
    if reader == "blocks":
        return load_blocks(client, table, path, facts, landing=landing, batch_id=batch_id, source=source,
                           loaded_at=loaded_at)
    raise ValueError(f"{table.qualified}: reader {reader!r} reads no files")
