"""Keep the values of presence-only fields (the online lists' passwords) out of everything the loader writes.

A presence-only column (`presence_only: true`) stores whether its field holds a value, never the value. The
value is read by the engine and must go no further: not into raw, the quarantine, a batch's reason, a log
line or the command's output. A rejected row's text is what could carry it, so every reader stores that text
through here:

- a row that was split into its fields keeps its text with each secret field replaced by `[redacted]` (an
  empty field stays empty, so the text still shows whether one was given);
- a row that could not be split into its fields (a line of no layout, a line that is not a JSON object, a
  CSV row that is not the header's number of fields) cannot tell where the secret is: its text is withheld
  whole, with a note of its length;
- a diagnostic of the engine (a parse error quotes the text around the fault) is cut from its first quote
  mark to its last: what the file said is never in it.

Tables without presence-only columns are untouched.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from parebrick.load.schema import Table
from parebrick.load.sql import literal

MARK = "[redacted]"
# A quote mark of any kind, except an apostrophe inside a word (the engine's English: "It's like ...").
_QUOTE = re.compile(r"[\"`«»]|(?<![A-Za-z])'|'(?![A-Za-z])")
_QUOTED_TEXT = "[text withheld]"


def withheld(length: int) -> str:
    """The stored text of a row whose secret field cannot be told apart."""
    return (f"[text withheld: {length} characters that could not be split into fields, and this table has "
            "fields that are never stored]")


def field_sql(text: str) -> str:
    """SQL: a secret field's text as a rejected row shows it: empty stays empty, anything else is the mark."""
    return f"if(trimBoth(ifNull({text}, '')) = '', ifNull({text}, ''), {literal(MARK)})"


def withheld_sql(text: str) -> str:
    """SQL: `withheld` for the text `text` (the number of characters as the engine counts them)."""
    note = withheld(0).split("0", 1)
    return f"concat({literal(note[0])}, toString(lengthUTF8({text})), {literal(note[1])})"


def csv_row(table: Table, header: tuple[str, ...], text: str) -> str:
    """A CSV row the engine could not parse, as the quarantine keeps it."""
    secrets = set(table.secret_fields)
    if not secrets:
        return text
    body = text.rstrip("\r\n")
    try:
        fields = next(csv.reader(io.StringIO(body, newline=""), delimiter=table.format.delimiter), [])
    except csv.Error:
        fields = []
    if not header or len(fields) != len(header):
        return withheld(len(body))
    out = io.StringIO()
    csv.writer(out, delimiter=table.format.delimiter, lineterminator="").writerow(
        [(MARK if value.strip() else value) if name in secrets else value for name, value in zip(header, fields)])
    return out.getvalue()


def message(table: Table, text: str) -> str:
    """An engine diagnostic (a parse error, an exception) about a table's file, safe to store and print."""
    if not table.secret_fields:
        return text
    marks = [match.start() for match in _QUOTE.finditer(text)]
    if not marks:
        return text
    # Everything from the first quote mark to the last: the file's text is quoted in diagnostics, and a
    # secret may hold quote marks of its own, so no quoted span is trusted to end where it seems to.
    return text[: marks[0]] + _QUOTED_TEXT + text[marks[-1] + 1:]


def item(table: Table, value: Any) -> str:
    """An API item as the quarantine keeps it (JSON), its secret fields redacted."""
    secrets = set(table.secret_fields)
    if secrets and isinstance(value, dict):
        value = {key: (MARK if key in secrets and field not in (None, "") else field) for key, field in value.items()}
    elif secrets:
        return withheld(len(json.dumps(value, ensure_ascii=False)))
    return json.dumps(value, ensure_ascii=False)
