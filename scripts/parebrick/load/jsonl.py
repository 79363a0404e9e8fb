"""Load one JSON-lines extract (`reader: jsonl`): one JSON object a line, parsed by the engine's JSON functions.

Each declared column reads the field its `field` names; a dotted name (`operup.last_run`) is a path into
nested objects. A field is handed to the shared typing (`values`) as text: a JSON string as its content,
a number, boolean, object or array as its JSON text, `null` or an absent field as NULL. So a time, a
number or a required column is typed and checked exactly as in a CSV extract.

A line is rejected (with its line number and text) when it is not valid JSON, is JSON but not an object,
lacks a field of a required column (the key among them), or has a field the table does not declare while
its format keeps no extras; with extras kept, every undeclared top-level field is stored in `_extra` as
its raw JSON text (a nested field a declaration does not name is not kept). `Table.file_name_pattern`'s
named groups are columns of every row (`filename`). Blank lines are not rows (see `textlines`). A file in
which no line is a JSON object is not a JSON-lines extract at all and is rejected whole.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.load import redact
from parebrick.load.csvload import CsvResult
from parebrick.load.filename import parameters, placeholder
from parebrick.load.inspect import FileFacts, FileRejected
from parebrick.load.schema import RAW_DATABASE, REJECTED_TABLE, Column, Table
from parebrick.load.sql import ident, literal, qualified
from parebrick.load.textlines import LINE, load_lines, metadata
from parebrick.load.values import Check, reason, typed_text_columns

NOT_JSON = "not valid JSON"
NOT_AN_OBJECT = "not a JSON object"


def path_of(column: Column) -> tuple[str, ...]:
    """The keys leading to the column's field: `operup.last_run` is ('operup', 'last_run')."""
    return tuple(column.field.split("."))


def _json_args(column: Column) -> str:
    """The line and the keys of the column's field, as the arguments of the engine's JSON functions."""
    return ", ".join([LINE, *(literal(key) for key in path_of(column))])


def field_text(column: Column) -> str:
    """The field as text (Nullable(String)): a string's content, other values as JSON, NULL when null or absent."""
    args = _json_args(column)
    return (f"multiIf(JSONType({args}) = 'String', JSONExtractString({args}), JSONType({args}) = 'Null', NULL, "
            f"JSONExtractRaw({args}))")


def plan(table: Table) -> tuple[list[str], dict[str, str]]:
    """(the fields as aliased columns of the line, the landing's values) of a JSON-lines table."""
    groups = table.file_name_fields
    fields = [f"{placeholder(column.field)} AS {ident(column.name)}" if column.field in groups
              else f"{field_text(column)} AS {ident(column.name)}" for column in table.columns]
    in_lines = [column for column in table.columns if column.field not in groups]
    known = tuple(dict.fromkeys(path_of(column)[0] for column in in_lines))
    known_sql = "(" + ", ".join(literal(key) for key in known) + ")" if known else "('')"
    checks: list[Check] = [(f"NOT isValidJSON({LINE})", literal(NOT_JSON)),
                           (f"JSONType({LINE}) != 'Object'", literal(NOT_AN_OBJECT))]
    for name in table.required_columns:
        column = table.column(name)
        if column.field in groups:
            continue
        checks.append((f"NOT JSONHas({_json_args(column)})", literal(f"lacks field {column.field} (column {name})")))
    if not table.format.keep_extra_columns:
        unknown = f"arrayFilter(k -> k NOT IN {known_sql}, JSONExtractKeys({LINE}))"
        checks.append((f"notEmpty({unknown})",
                       f"concat('fields {table.qualified} does not define: ', arrayStringConcat({unknown}, ', '))"))
    values, column_checks = typed_text_columns(table)
    checks.extend(column_checks)
    if table.format.keep_extra_columns:
        pairs = f"arrayFilter(x -> x.1 NOT IN {known_sql}, JSONExtractKeysAndValuesRaw({LINE}))"
        values["_extra"] = f"mapFromArrays(arrayMap(x -> x.1, {pairs}), arrayMap(x -> x.2, {pairs}))"
    return fields, metadata(values, reason(checks), _row_text(table))


def _row_text(table: Table) -> str:
    """A rejected line's text: as written, or rebuilt with presence-only fields redacted.

    Only a JSON object whose secret fields are top-level can be rebuilt; any other line of such a table is
    withheld (`redact`).
    """
    secret = [c for c in table.columns if c.presence_only]
    if not secret:
        return LINE
    if any(len(path_of(c)) > 1 for c in secret):
        return redact.withheld_sql(LINE)
    keys = "(" + ", ".join(literal(c.field) for c in secret) + ")"
    pairs = f"JSONExtractKeysAndValuesRaw({LINE})"
    value = f"if(x.1 IN {keys} AND x.2 NOT IN ('null', '\"\"'), {literal(json.dumps(redact.MARK))}, x.2)"
    members = f"arrayMap(x -> concat(toJSONString(x.1), ':', {value}), {pairs})"
    rebuilt = f"concat('{{', arrayStringConcat({members}, ','), '}}')"
    return f"if(isValidJSON({LINE}) AND JSONType({LINE}) = 'Object', {rebuilt}, {redact.withheld_sql(LINE)})"


def load_jsonl(client: Client, table: Table, path: Path, facts: FileFacts, *, landing: str, batch_id: uuid.UUID,
               source: str, loaded_at: datetime) -> CsvResult:
    """Write the lines of one JSON-lines file through the landing; returns the batch's counts."""
    fields, values = plan(table)
    result = load_lines(client, table, path, facts, landing=landing, batch_id=batch_id, source=source,
                        loaded_at=loaded_at, fields=fields, values=values, parameters=parameters(table, path.name),
                        suffix="extract.jsonl")
    if result.rows_read and not result.rows_loaded and _all_unreadable(client, table, batch_id, result.rows_read):
        raise FileRejected(f"not a JSON-lines file: none of its {result.rows_read} lines is a JSON object")
    return result


def _all_unreadable(client: Client, table: Table, batch_id: uuid.UUID, rows: int) -> bool:
    """Whether every rejected line of the batch was no JSON object at all."""
    count = client.query(
        f"SELECT count() FROM {qualified(RAW_DATABASE, REJECTED_TABLE)} WHERE table_name = {{table:String}} "
        "AND batch_id = {batch:UUID} AND reason IN ({a:String}, {b:String})",
        parameters={"table": table.raw_name, "batch": str(batch_id), "a": NOT_JSON, "b": NOT_AN_OBJECT},
    ).result_rows[0][0]
    return int(count) == rows
