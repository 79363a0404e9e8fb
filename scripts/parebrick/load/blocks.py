"""Load one headerless extract of fixed record layouts in blocks (`reader: blocks`), split by the engine.

The smart registry is such a file: no header, rows of a first layout (7 fields), then rows of a second
(5 fields), optionally with a blank line between. The format declares its `layouts` in block order, each
with its fields (column names; a column may be in several layouts) and `constants` (a field whose value
must be written exactly). A row's layout is the one with its number of fields (`splitByChar`, no quoting).

- A row of no layout, with a wrong constant, or with a value that does not type is rejected with its
  line number, its text and the reason; columns that are not in the row's layout are NULL.
- A declared column with `source_name: _layout` holds the name of the row's layout.
- A row of an earlier layout after a later layout's block began puts the blocks out of order: the file is
  rejected whole. So is a file in which no line is a row of a layout with its constants right.
- `Table.file_name_pattern`'s named groups are columns of every row, typed like any column (`filename`).

Fields are trimmed of spaces unless the format is free text. Blank lines are not rows (see `textlines`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.load import redact
from parebrick.load.csvload import CsvResult
from parebrick.load.filename import parameters, placeholder
from parebrick.load.inspect import FileFacts, FileRejected
from parebrick.load.schema import Layout, Table
from parebrick.load.sql import ident, literal
from parebrick.load.textlines import LINE, load_lines, metadata, scan
from parebrick.load.values import Check, reason, typed_text_columns

LAYOUT_FIELD = "_layout"
_FIELDS = "_pb_fields"
_LAYOUT = "_pb_layout"  # 1-based index of the row's layout in the format's order, 0 for none
_CONSTANTS_OK = "_pb_constants_ok"


def check_layouts(table: Table) -> tuple[Layout, ...]:
    """The format's layouts, or ValueError when a row's layout could not be told or a column has no source."""
    layouts = table.format.layouts
    counts = [len(layout.fields) for layout in layouts]
    if not layouts or len(set(counts)) != len(counts):
        raise ValueError(f"{table.qualified}: a blocks format needs layouts of different field counts, got {counts}")
    names = set(table.column_names)
    groups = set(table.file_name_fields)
    for layout in layouts:
        constant_fields = {field for field, _ in layout.constants}
        stray = [f for f in layout.fields if f not in names and f not in constant_fields]
        if stray or not constant_fields <= set(layout.fields):
            raise ValueError(f"{table.qualified}: layout {layout.name} has fields that are neither columns nor "
                             f"constants: {', '.join(stray or sorted(constant_fields - set(layout.fields)))}")
    placed = {f for layout in layouts for f in layout.fields} | groups | {LAYOUT_FIELD}
    missing = [c.name for c in table.columns if c.name not in placed and c.field not in placed]
    if missing:
        raise ValueError(f"{table.qualified}: columns in no layout: {', '.join(missing)}")
    return layouts


def _constants_hold(layout: Layout) -> str:
    """Whether a row of `layout` writes each of its constant fields exactly."""
    return "(" + " AND ".join(f"{_FIELDS}[{layout.fields.index(field) + 1}] = {literal(value)}"
                              for field, value in layout.constants) + ")"


def plan(table: Table) -> tuple[list[str], dict[str, str]]:
    """(the row's fields, layout and columns as aliased columns of the line, the landing's values)."""
    fmt = table.format
    layouts = check_layouts(table)
    if len(fmt.delimiter) != 1:
        raise ValueError(f"{table.qualified}: the blocks reader splits by one character, not {fmt.delimiter!r}")
    split = f"splitByChar({literal(fmt.delimiter)}, {LINE})"
    if not fmt.free_text:
        split = f"arrayMap(x -> trimBoth(x), {split})"
    which = ", ".join(f"length({_FIELDS}) = {len(layout.fields)}, {index}" for index, layout in enumerate(layouts, 1))
    constants_ok = " AND ".join(f"({_LAYOUT} != {index} OR {_constants_hold(layout)})"
                                for index, layout in enumerate(layouts, 1) if layout.constants) or "1"
    fields = [f"{split} AS {_FIELDS}", f"multiIf({which}, 0) AS {_LAYOUT}", f"{constants_ok} AS {_CONSTANTS_OK}"]
    groups = table.file_name_fields
    for column in table.columns:
        if column.field == LAYOUT_FIELD:
            text = "multiIf(" + ", ".join(f"{_LAYOUT} = {i}, {literal(layout.name)}"
                                          for i, layout in enumerate(layouts, 1)) + ", NULL)"
        elif column.field in groups:
            text = placeholder(column.field)
        else:
            branches = [f"{_LAYOUT} = {i}, {_FIELDS}[{layout.fields.index(column.name) + 1}]"
                        for i, layout in enumerate(layouts, 1) if column.name in layout.fields]
            text = "multiIf(" + ", ".join(branches) + ", NULL)"
        fields.append(f"{text} AS {ident(column.name)}")
    shapes = ", ".join(f"{layout.name}: {len(layout.fields)}" for layout in layouts)
    no_layout = literal(f" fields: no layout has as many ({shapes})")
    checks: list[Check] = [(f"{_LAYOUT} = 0", f"concat('a row of ', toString(length({_FIELDS})), {no_layout})")]
    for index, layout in enumerate(layouts, 1):
        for field, value in layout.constants:
            position = layout.fields.index(field) + 1
            wrong = literal(f"layout {layout.name}: field {position} ({field}) must be {value}, not ")
            checks.append((f"{_LAYOUT} = {index} AND {_FIELDS}[{position}] != {literal(value)}",
                           f"concat({wrong}, {_FIELDS}[{position}])"))
    values, column_checks = typed_text_columns(table)
    checks.extend(column_checks)
    if fmt.keep_extra_columns:
        values["_extra"] = "CAST(map(), 'Map(String, String)')"  # a fixed layout has no fields beyond its own
    return fields, metadata(values, reason(checks), _row_text(table, layouts))


def _row_text(table: Table, layouts: tuple[Layout, ...]) -> str:
    """A rejected line's text: as written, or with presence-only fields redacted (a line of no layout withheld)."""
    secret = {c.name for c in table.columns if c.presence_only}
    if not secret:
        return LINE
    split = f"splitByChar({literal(table.format.delimiter)}, {LINE})"
    def secret_positions(layout: Layout) -> str:
        return "[" + (", ".join(str(i + 1) for i, f in enumerate(layout.fields) if f in secret) or "0") + "]"

    positions = ", ".join(f"{_LAYOUT} = {index}, {secret_positions(layout)}" for index, layout in enumerate(layouts, 1))
    marked = f"if(has(multiIf({positions}, [0]), i), {redact.field_sql('x')}, x)"
    redacted = (f"arrayStringConcat(arrayMap((x, i) -> {marked}, {split}, arrayEnumerate({split})), "
                f"{literal(table.format.delimiter)})")
    return f"if({_LAYOUT} = 0, {redact.withheld_sql(LINE)}, {redacted})"


def load_blocks(client: Client, table: Table, path: Path, facts: FileFacts, *, landing: str, batch_id: uuid.UUID,
                source: str, loaded_at: datetime) -> CsvResult:
    """Check the file's blocks, then write its rows through the landing; returns the batch's counts."""
    fields, values = plan(table)
    values_of_name = parameters(table, path.name)
    _check_blocks(client, table, path, facts, fields, values_of_name)
    return load_lines(client, table, path, facts, landing=landing, batch_id=batch_id, source=source,
                      loaded_at=loaded_at, fields=fields, values=values, parameters=values_of_name)


def _check_blocks(client: Client, table: Table, path: Path, facts: FileFacts, fields: list[str],
                  parameters: dict[str, str]) -> None:
    """FileRejected unless some line is a row of a layout and the layouts' blocks come in their order."""
    layouts = table.format.layouts
    found = scan(client, table, path, facts, fields,
                 f"{_LAYOUT}, min(_pb_line_number), max(_pb_line_number), countIf({_CONSTANTS_OK})",
                 f"WHERE {_LAYOUT} > 0 GROUP BY {_LAYOUT}", parameters)
    spans = {int(index): (int(first), int(last)) for index, first, last, _ in found}
    if not any(good for *_, good in found):
        shapes = " or ".join(f"{len(layout.fields)} fields ({layout.name})" for layout in layouts)
        raise FileRejected(f"not a {table.qualified} file: no line is a row of {shapes} with its constant fields")
    for later in sorted(spans):
        for earlier in (index for index in sorted(spans) if index < later):
            began = spans[later][0]
            if spans[earlier][1] > began:
                (line,), = scan(client, table, path, facts, fields, "min(_pb_line_number)",
                                f"WHERE {_LAYOUT} = {earlier} AND _pb_line_number > {began}", parameters)
                raise FileRejected(
                    f"blocks out of order: line {line} (layout {layouts[earlier - 1].name}) comes after the "
                    f"{layouts[later - 1].name} block began at line {began}")
