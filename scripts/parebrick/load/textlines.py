"""The lines of a text extract, numbered as the file numbers them: what the JSON-lines and blocks readers read.

The engine reads the file as `LineAsString` (one row a line) in one stream (`max_threads` 1), so the n-th
row it reads is line n (`rowNumberInAllBlocks() + 1`). Lines are numbered before blank ones are left out:
a blank line (empty or only spaces) keeps its number but is not a row of the extract — it is not read,
loaded or rejected, so a batch's rows read = loaded + rejected counts the non-blank lines. A line's
trailing carriage return (a CRLF file) is not part of it. Each reader adds its fields as columns of the
line (`fields`) and the landing's values over those (`values`); the rows go through the same landing and
routing views as CSV (`rawwriter`).
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.load.csvload import CsvResult, engine_path
from parebrick.load.inspect import FileFacts
from parebrick.load.rawwriter import BATCH_VALUES, RAW_TEXT, REASON, batch_counts, batch_parameters, landing_columns
from parebrick.load.schema import Table
from parebrick.load.sql import ident, literal
from parebrick.load.values import ENGINE_CHARSETS

LINE = "_pb_line"
LINE_NUMBER = "_pb_line_number"
# One stream in file order (numbers exact); a plain read() moves the descriptor the progress bar watches.
SETTINGS: dict[str, object] = {"max_threads": 1, "storage_file_read_method": "read", "parallel_view_processing": 1}


def numbered_lines(table: Table) -> str:
    """A subquery of the file's non-blank lines (`_pb_line`, UTF-8) with their 1-based line numbers."""
    charset = ENGINE_CHARSETS.get(table.format.encoding)
    line = "if(endsWith(line, '\\r'), substring(line, 1, length(line) - 1), line)"
    if charset:
        line = f"convertCharset({line}, {literal(charset)}, 'UTF-8')"
    return (f"(SELECT {LINE_NUMBER}, {LINE} FROM (SELECT rowNumberInAllBlocks() + 1 AS {LINE_NUMBER}, {line} AS {LINE} "
            f"FROM file({{path:String}}, 'LineAsString')) WHERE trimBoth({LINE}) != '')")


def metadata(values: dict[str, str], reason: str, raw_text: str) -> dict[str, str]:
    """`values` (the declared columns, `_extra`) completed with the load metadata, the reason and the text."""
    return {**values, **BATCH_VALUES, "_source_row": LINE_NUMBER, REASON: reason,
            RAW_TEXT: f"if({reason} = '', '', {raw_text})"}


def load_lines(client: Client, table: Table, path: Path, facts: FileFacts, *, landing: str, batch_id: uuid.UUID,
               source: str, loaded_at: datetime, fields: list[str], values: dict[str, str],
               parameters: dict[str, str] | None = None, suffix: str = "extract.txt") -> CsvResult:
    """One INSERT … SELECT of the file's lines through the landing; returns the batch's counts.

    `fields`: aliased expressions over `_pb_line` (and each other); `values`: every landing column's value
    over those (see `metadata`).
    """
    names = [column.name for column in landing_columns(table)]
    select = ", ".join(values[name] for name in names)
    inner = ", ".join([LINE_NUMBER, LINE, *fields])
    with tempfile.TemporaryDirectory(prefix="parebrick-load-") as workdir:
        params = {**(parameters or {}), "path": engine_path(path, facts, workdir, suffix),
                  **batch_parameters(batch_id, source, loaded_at)}
        client.command(
            f"INSERT INTO {landing} ({', '.join(ident(name) for name in names)}) SELECT {select} "
            f"FROM (SELECT {inner} FROM {numbered_lines(table)})",
            parameters=params, settings=SETTINGS,
        )
    return CsvResult(*batch_counts(client, table, batch_id))


def scan(client: Client, table: Table, path: Path, facts: FileFacts, fields: list[str], select: str,
         tail: str = "", parameters: dict[str, str] | None = None, suffix: str = "extract.txt") -> list[tuple]:
    """Rows of `SELECT select FROM (the lines with their fields) tail`: a look at the file before it loads."""
    inner = ", ".join([LINE_NUMBER, LINE, *fields])
    with tempfile.TemporaryDirectory(prefix="parebrick-scan-") as workdir:
        params = {**(parameters or {}), "path": engine_path(path, facts, workdir, suffix)}
        return client.query(f"SELECT {select} FROM (SELECT {inner} FROM {numbered_lines(table)}) {tail}",
                            parameters=params, settings=SETTINGS).result_rows
