"""A field's text to its column's value, and the checks that reject a row: one definition for every reader.

Each reader finds a field its own way (the CSV parser, a JSON path, a position in a headerless row) and
hands over an SQL expression of it; `typed` turns that into the landing's value and the validation checks,
so a time, a boolean, a number or a required column means the same thing whichever reader read it. The
checks become the landing's `_reject_reason` (`reason`), which the routing views of `rawwriter` send to
the quarantine: quarantine is defined once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parebrick.load.schema import EPOCH, Column, Table, base_type, is_nullable, nullable
from parebrick.load.sql import ident, literal

# The engine's names of the encodings extracts come in (text is converted to UTF-8 on the way).
ENGINE_CHARSETS = {"cp1251": "windows-1251"}
# DateTime holds seconds up to 2106-02-07; a larger epoch value is not a time this warehouse can store.
LAST_EPOCH_SECOND = 2**32 - 1
_DECIMAL_OR_FLOAT = re.compile(r"^(Decimal|Float)")
_NUMBER = re.compile(r"^(U?Int\d+|Float\d+|Decimal)")

# (condition, reason expression): a row is rejected for the first condition that holds.
Check = tuple[str, str]


@dataclass(frozen=True)
class Typed:
    """How a reader reads one column and what the landing receives."""

    # The type the reader reads the field in: CSV lets its parser type plain numbers; text is `String`.
    read_type: str
    # The landing's value (NULL where the text is not a value of the column's type: a check then rejects it).
    expr: str
    checks: tuple[Check, ...]


def time_expr(column_type: str, text: str, fmt_time: str | None, zone: str | None) -> str:
    """Text to a time of `column_type`, or NULL when the text is not a valid time (never a made-up value)."""
    base = base_type(column_type)
    if fmt_time == EPOCH:
        seconds = f"toInt64OrNull({text})"
        valid = f"{seconds} BETWEEN 0 AND {LAST_EPOCH_SECOND}"
        if base.startswith("DateTime64"):
            return f"if({valid}, toDateTime64({seconds}, {_precision(base)}, 'UTC'), NULL)"
        if base.startswith("DateTime"):
            return f"if({valid}, toDateTime({seconds}, 'UTC'), NULL)"
        return f"if({valid}, toDate(toDateTime({seconds}, 'UTC')), NULL)"
    if fmt_time:
        parsed = f"parseDateTimeOrNull({text}, {literal(fmt_time)}, {literal(zone or 'UTC')})"
        if base.startswith("DateTime64"):
            return f"toDateTime64(toTimeZone({parsed}, 'UTC'), {_precision(base)}, 'UTC')"
        return f"toTimeZone({parsed}, 'UTC')"
    zone_literal = literal(zone or "UTC")
    if base.startswith("DateTime64"):
        return f"toTimeZone(parseDateTime64BestEffortOrNull({text}, {_precision(base)}, {zone_literal}), 'UTC')"
    if base.startswith("DateTime"):
        return f"toTimeZone(parseDateTimeBestEffortOrNull({text}, {zone_literal}), 'UTC')"
    return f"toDate(parseDateTimeBestEffortOrNull({text}, 'UTC'))"


def _precision(base: str) -> str:
    return re.search(r"DateTime64\((\d+)", base).group(1)  # type: ignore[union-attr]


def typed(table: Table, column: Column, field: str, *, text: bool, charset: str | None = None,
          shown: str | None = None) -> Typed:
    """The value and checks of `column`, whose field as read is the SQL expression `field`.

    `text`: the reader hands every field as text (Nullable(String), NULL when the field is absent), so
    numbers are cast here; otherwise (CSV) the engine's parser types plain numbers itself and refuses what
    is not one. `charset`: the field's bytes are in this encoding (text is shown and stored in UTF-8).
    `shown`: how a rejected value is quoted in its reason (default: the field, decoded).
    """
    fmt = table.format
    if column.presence_only:
        # Whether the field holds a value: the value is read by the engine and goes no further (no check
        # quotes it, and rejected rows' text is redacted by each reader, see `redact`).
        return Typed("String", f"trimBoth(ifNull({field}, '')) != ''", ())
    required = column.name in table.required_columns
    base = base_type(column.type)
    read_type = nullable(column.type) if required else column.type
    expr = field
    converted: str | None = None
    problem = ""
    if base.startswith(("DateTime", "Date")):
        read_type = "String"
        converted = time_expr(column.type, f"trimBoth({field})", column.time_format or fmt.time_format,
                              fmt.source_time_zone)
        problem = "not a valid time"
    elif base == "Bool":
        read_type = "String"
        converted = (f"multiIf(trimBoth({field}) IN {_tuple(fmt.true_values)}, true, "
                     f"trimBoth({field}) IN {_tuple(fmt.false_values)}, false, NULL)")
        problem = f"not a boolean (this format writes {'/'.join(fmt.true_values + fmt.false_values)})"
    elif fmt.decimal_comma and _DECIMAL_OR_FLOAT.match(base):
        read_type = "String"
        converted = f"accurateCastOrNull(replaceOne(trimBoth({field}), ',', '.'), {literal(base)})"
        problem = "not a number"
    elif text and base not in ("String",) and not base.startswith("FixedString"):
        read_type = "String"
        converted = f"accurateCastOrNull(trimBoth({field}), {literal(base)})"
        problem = "not a number" if _NUMBER.match(base) else f"not a {base}"
    elif charset and base == "String":
        expr = f"convertCharset({field}, {literal(charset)}, 'UTF-8')"
    if text and converted is None and not (is_nullable(column.type) or required):
        expr = f"ifNull({expr}, '')"  # an absent text field of a column that cannot be NULL is empty
    checks: list[Check] = []
    if converted is not None:
        expr = converted
        if shown is None:
            shown = f"convertCharset({field}, {literal(charset)}, 'UTF-8')" if charset else field
        checks.append((f"trimBoth({field}) != '' AND isNull({converted})",
                       f"concat({literal(f'column {column.name}: {problem}: ')}, {shown})"))
    if column.value_range:
        low, high = column.value_range
        bounds = [f"{expr} {op} {bound}" for op, bound in ((">=", low), ("<=", high)) if bound is not None]
        checks.append((f"NOT ({' AND '.join(bounds)})",
                       f"concat({literal(f'column {column.name}: out of range: ')}, toString({expr}))"))
    if column.pattern:
        checks.append((f"NOT isNull({expr}) AND {expr} != '' AND NOT match({expr}, {literal(column.pattern)})",
                       f"concat({literal(f'column {column.name}: does not match {column.pattern}: ')}, {expr})"))
    if required:
        # Spaces alone are no value either: a converted field of only spaces would otherwise become NULL unseen.
        empty = (f"trimBoth(ifNull({field}, '')) = ''" if converted is not None
                 else f"ifNull({field}, '') = ''" if base == "String" or text else f"isNull({field})")
        checks.append((empty, literal(f"required column {column.name} is empty")))
    return Typed(read_type, expr, tuple(checks))


def typed_text_columns(table: Table) -> tuple[dict[str, str], list[Check]]:
    """Every declared column typed from a text field of its own name (JSON lines, blocks): values and checks."""
    values: dict[str, str] = {}
    checks: list[Check] = []
    for column in table.columns:
        value = typed(table, column, ident(column.name), text=True)
        values[column.name] = value.expr
        checks.extend(value.checks)
    return values, checks


def reason(checks: list[Check] | tuple[Check, ...]) -> str:
    """The landing's `_reject_reason`: the first check that holds, or '' for a row to load."""
    if not checks:
        return "''"
    return "multiIf(" + ", ".join(f"{condition}, {text}" for condition, text in checks) + ", '')"


def _tuple(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(value) for value in values) + ")"
