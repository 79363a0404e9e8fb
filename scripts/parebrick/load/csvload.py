"""Load one CSV extract into its raw table: ClickHouse parses, types and quarantines; Python steers.

The file is read by the engine's own CSV parser (`file()` table function), typed on the way, and written
through the landing (see `rawwriter`). Rows the parser cannot read are skipped by the engine and written
to an errors file, which becomes rows of the quarantine. Encodings, decimal commas and source time zones
are handled in the same SQL stream.

Row numbers, two ways:

- Fast (a plain file): the data rows without the header line are fed to the engine through a pipe
  (`feed`); it parses them in parallel segments and numbers each row as it parses it (`_row_number`),
  so the rows are typed and written by every core, in any order. That numbering is exact for a
  headerless stream without unparsable rows, and the pass is kept only if it had none and its numbers
  are 1..N. Otherwise the batch's rows are removed and the file is read the exact way.
- Exact (a gzip file, or a file with unparsable rows): the rows are numbered as they leave the parser,
  in one stream (`rowNumberInAllBlocks()`). Rows it skipped as unparsable are not numbered, so their
  exact positions are found with a second, sequential parse and the numbers of the rows after them are
  shifted.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.load import feed, redact
from parebrick.load.batches import Batch, Rejection, delete_batch_rows, quarantine
from parebrick.load.filename import parameters, placeholder
from parebrick.load.inspect import FileFacts
from parebrick.load.rawwriter import BATCH_VALUES, RAW_TEXT, REASON, batch_counts, batch_parameters, landing_columns
from parebrick.load.schema import RAW_DATABASE, REJECTED_TABLE, Table
from parebrick.load.sql import ident, literal, qualified
from parebrick.load.values import ENGINE_CHARSETS, Check, reason as reasons, typed

csv.field_size_limit(1 << 30)



@dataclass(frozen=True)
class Limits:
    """How many malformed rows a file may hold before it is refused whole (both must be exceeded)."""

    max_bad_rows: int = 1000
    max_bad_ratio: float = 0.05


@dataclass
class CsvResult:
    rows_loaded: int
    rows_rejected: int
    # Read the fast way alone (see the module's docstring); False when the file was read the exact way.
    fast: bool = False

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_rejected


@dataclass(frozen=True)
class _Plan:
    structure: str
    insert_columns: str
    before_row_number: str
    after_row_number: str

    def select(self, row_number: str) -> str:
        """The SELECT list, with `row_number` giving each row's 1-based record number."""
        return f"{self.before_row_number}, {row_number}, {self.after_row_number}"


def plan(table: Table, facts: FileFacts) -> _Plan:
    """The file structure and the SELECT list that turn the file's text into landing rows.

    Numbers are typed by the engine's parser (it refuses what is not a number). Times are read as text
    and converted with functions that return NULL for what is not a valid time, because the parser
    itself accepts impossible dates such as 2025-13-45 and turns them into some other date.
    """
    fmt = table.format
    charset = ENGINE_CHARSETS.get(fmt.encoding)
    read_types: dict[str, str] = {}
    exprs: dict[str, str] = {}
    checks: list[Check] = []
    for column in table.columns:
        if column.field in table.file_name_fields:  # not in the file's text: a value of its name, for every row
            value = typed(table, column, placeholder(column.field), text=True)
        else:
            value = typed(table, column, ident(column.name), text=False, charset=charset)
            read_types[column.name] = value.read_type
        exprs[column.name] = value.expr
        checks.extend(value.checks)
    for extra in facts.extra_columns:
        read_types[extra] = "String"
    if fmt.keep_extra_columns:
        pairs = ", ".join(f"{literal(extra)}, {ident(extra)}" for extra in facts.extra_columns)
        exprs["_extra"] = f"map({pairs})" if pairs else "CAST(map(), 'Map(String, String)')"
    exprs.update(BATCH_VALUES)
    exprs["_source_row"] = ""  # the way of reading decides (see _Plan.select)
    exprs[REASON] = reason = reasons(checks)
    # In the file's column order, by position (the header is checked before, and skipped): a field the
    # declaration renames (a hyphenated or unnamed header) is read straight into its column.
    by_field = {column.field: column.name for column in table.columns}
    order = tuple(by_field.get(name, name) for name in facts.header) or (
        *(c.name for c in table.columns if c.field not in table.file_name_fields), *facts.extra_columns)
    # The text of a rejected row as read, in the file's order (short-circuit `if`: built only for rejected rows).
    secret = {c.name for c in table.columns if c.presence_only}
    row_text = "formatRowNoNewline('CSV', " + ", ".join(redact.field_sql(ident(c)) if c in secret else ident(c)
                                                        for c in order) + ")"
    if charset:
        row_text = f"convertCharset({row_text}, {literal(charset)}, 'UTF-8')"
    exprs[RAW_TEXT] = f"if({reason} = '', '', {row_text})"
    names = [column.name for column in landing_columns(table)]
    split = names.index("_source_row")
    return _Plan(
        structure=", ".join(f"{ident(name)} {read_types[name]}" for name in order),
        insert_columns=", ".join(ident(name) for name in names),
        before_row_number=", ".join(exprs[name] for name in names[:split]),
        after_row_number=", ".join(exprs[name] for name in names[split + 1:]),
    )


def _settings(table: Table, limits: Limits, errors_path: str) -> dict[str, object]:
    return {
        "format_csv_delimiter": table.format.delimiter,
        "input_format_with_names_use_header": 0,
        "input_format_csv_detect_header": 0,  # the fast way's stream has no header: no row may be taken for one
        "input_format_skip_unknown_fields": 0,
        "input_format_csv_skip_trailing_empty_lines": 1,
        "input_format_csv_trim_whitespaces": 0 if table.format.free_text else 1,
        # The extracts have no NULL marker (missing is empty); a comment that reads \N is text.
        "format_csv_null_representation": "\x00",
        "input_format_allow_errors_num": limits.max_bad_rows,
        "input_format_allow_errors_ratio": limits.max_bad_ratio,
        "input_format_record_errors_file_path": errors_path,
        "input_format_parallel_parsing": 1,
        # Plain read() moves the descriptor's offset, which is how the progress bar knows how far it is (readpos).
        "storage_file_read_method": "read",
        "parallel_view_processing": 1,
    }


def condense_reason(text: str) -> str:
    """The engine's multi-line parse diagnostic as one line: the column at fault and what went wrong."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    lines = [line for line in lines if not re.match(r"^Row \d+:$", line)]
    column = ""
    message = ""
    for index, line in enumerate(lines):
        if "ERROR" in line:
            before, _, after = line.partition("ERROR")
            match = re.search(r"name: ([^,]+),\s+type: (.+?),\s*(parsed text: .*)?$", before.strip())
            if match:
                column = f"column {match.group(1)} ({match.group(2).strip()})"
                if match.group(3):
                    column += f", {match.group(3).strip()}"
            elif index > 0:
                match = re.search(r"name: ([^,]+),\s+type: (.+?),", lines[index - 1])
                if match and "parsed text" in lines[index - 1]:
                    column = f"after column {match.group(1)}"
            message = " ".join([after.lstrip(": ").strip(), *lines[index + 1:]])
            break
    if not message:
        message = " ".join(lines)
    message = re.sub(r"Code: \d+\. DB::Exception: ", "", message)
    message = re.sub(r"\s*\(\w+\) \(version [^)]*\)", "", message)
    message = re.sub(r"\s*:?\s*\(in file/uri [^)]*\)", "", message)  # our scratch link, not the file's name
    message = re.sub(r"(:\s*While executing \w+\.?\s*)+", " ", message)
    message = re.sub(r"\s*\(\w+\)\s*$", "", message.strip())
    message = re.sub(r"\s+", " ", message).strip()
    return f"{column}: {message}" if column else message


def _read_errors(path: str, table: Table) -> list[tuple[int, str, str]]:
    """(row number, reason, raw text) of each row the engine could not parse, in file order.

    The engine writes this file as CSV with the extract's own delimiter; its words are ASCII and the
    quoted row is the file's bytes, so the whole file is read in the extract's encoding.
    """
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path, "rb") as handle:
        text = handle.read().decode(table.format.encoding, errors="replace")
    out = []
    for fields in csv.reader(io.StringIO(text, newline=""), delimiter=table.format.delimiter):
        if len(fields) < 6:
            raise RuntimeError(f"unexpected line in the engine's errors file: {fields!r:.200}")
        out.append((int(fields[3]), condense_reason(fields[4]), fields[5]))
    out.sort()
    return out


def engine_path(path: Path, facts: FileFacts, workdir: str, name: str = "extract.csv") -> str:
    """A path the engine can read without taking anything in the name as a glob or a quote."""
    link = os.path.join(workdir, f"{name}.gz" if facts.compressed else name)
    os.symlink(os.path.abspath(path), link)
    return link


def load_csv(client: Client, table: Table, path: Path, facts: FileFacts, *, landing: str, batch_id: uuid.UUID,
             source: str, loaded_at: datetime, limits: Limits = Limits()) -> CsvResult:
    """Write the rows of one file through the landing; returns the batch's counts."""
    parts = plan(table, facts)
    params = {"structure": parts.structure, **batch_parameters(batch_id, source, loaded_at),
              **parameters(table, path.name)}
    with tempfile.TemporaryDirectory(prefix="parebrick-load-") as workdir:
        if not facts.compressed and feed.available():
            errors_path = os.path.join(workdir, "errors-fast.csv")
            with feed.Feed(path, workdir) as rows:
                client.command(
                    f"INSERT INTO {landing} ({parts.insert_columns}) SELECT {parts.select('_row_number + 1')} "
                    "FROM file({rows:String}, 'CSV', {structure:String})",
                    parameters={**params, "rows": rows.path}, settings=_settings(table, limits, errors_path),
                )
            if not _has_errors(errors_path) and _numbered_one_to_n(client, table, batch_id):
                return CsvResult(*batch_counts(client, table, batch_id), fast=True)
            delete_batch_rows(client, table.raw_name, batch_id)
        params["path"] = engine_path(path, facts, workdir)
        errors = _load_in_one_stream(client, table, parts, landing, params, limits, workdir)
        if errors:
            _shift_row_numbers(client, table, batch_id, [row for row, _, _ in errors])
            errors = [(row, redact.message(table, why), redact.csv_row(table, facts.header, raw))
                      for row, why, raw in errors]
            _quarantine(client, table, batch_id, source, loaded_at, errors)
    return CsvResult(*batch_counts(client, table, batch_id))


def _load_in_one_stream(client: Client, table: Table, parts: _Plan, landing: str, params: dict[str, str],
                        limits: Limits, workdir: str) -> list[tuple[int, str, str]]:
    """The exact way; returns the rows the parser skipped (row number, reason, raw text), in file order."""
    one_stream_errors = os.path.join(workdir, "errors-one-stream.csv")
    client.command(
        f"INSERT INTO {landing} ({parts.insert_columns}) SELECT {parts.select('rowNumberInAllBlocks() + 1')} "
        "FROM file({path:String}, 'CSVWithNames', {structure:String})",
        # One stream keeps rows in file order, so rowNumberInAllBlocks() is the record number.
        parameters=params, settings={**_settings(table, limits, one_stream_errors), "max_threads": 1},
    )
    if not _has_errors(one_stream_errors):
        return []
    exact_errors = os.path.join(workdir, "errors-exact.csv")
    client.command(
        "SELECT count() FROM file({path:String}, 'CSVWithNames', {structure:String}) WHERE NOT ignore(*)",
        parameters=params, settings={**_settings(table, limits, exact_errors), "input_format_parallel_parsing": 0},
    )
    return _read_errors(exact_errors, table)


def _has_errors(errors_path: str) -> bool:
    return os.path.exists(errors_path) and os.path.getsize(errors_path) > 0


def _numbered_one_to_n(client: Client, table: Table, batch_id: uuid.UUID) -> bool:
    """Whether the batch's rows, loaded and rejected, are numbered 1..N with no number missing or repeated."""
    rows = client.query(
        f"SELECT count(), uniqExact(n), min(n), max(n) FROM ("
        f"SELECT _source_row AS n FROM {qualified(RAW_DATABASE, table.raw_name)} WHERE _batch_id = {{batch:UUID}} "
        f"UNION ALL SELECT source_row FROM {qualified(RAW_DATABASE, REJECTED_TABLE)} "
        f"WHERE batch_id = {{batch:UUID}})", parameters={"batch": str(batch_id)},
    ).result_rows
    count, distinct, first, last = rows[0]
    return count == 0 or (count == distinct == last and first == 1)


def _shift_row_numbers(client: Client, table: Table, batch_id: uuid.UUID, skipped_rows: list[int]) -> None:
    """Renumber the batch's rows as if the skipped (unparsable) rows had been counted."""
    # The j-th skipped row (1-based) sits at record r_j; an emitted row e moves by the number of j with r_j - j < e.
    thresholds = sorted(row - index for index, row in enumerate(sorted(skipped_rows), start=1))
    array = "[" + ", ".join(str(int(value)) for value in thresholds) + "]"
    params = {"batch": str(batch_id)}
    client.command(
        f"ALTER TABLE {qualified(RAW_DATABASE, table.raw_name)} UPDATE _source_row = _source_row + "
        f"arrayCount(x -> x < _source_row, CAST({array}, 'Array(UInt64)')) WHERE _batch_id = {{batch:UUID}}",
        parameters=params, settings={"mutations_sync": 2},
    )
    client.command(
        f"ALTER TABLE {qualified(RAW_DATABASE, REJECTED_TABLE)} UPDATE source_row = source_row + "
        f"arrayCount(x -> x < source_row, CAST({array}, 'Array(UInt64)')) WHERE batch_id = {{batch:UUID}}",
        parameters=params, settings={"mutations_sync": 2},
    )


def _quarantine(client: Client, table: Table, batch_id: uuid.UUID, source: str, loaded_at: datetime,
                errors: list[tuple[int, str, str]]) -> None:
    batch = Batch(batch_id, table.raw_name, source, "file", started_at=loaded_at)
    quarantine(client, batch, (Rejection(row, raw, reason) for row, reason, raw in errors))
