"""API items to raw rows, column by column as the table declares them (the API reader's one job).

An item is a JSON object; each declared column takes the field of its name (or its `source_name`) and
checks it against the column's type: text stays text (an id is never made a number), times must be
ISO-8601 with a zone and become naive UTC, numbers must be whole where the type is, within the declared
range. What does not fit raises ValueError with one line naming the field.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from parebrick.load.schema import Column, Table, base_type, is_nullable


def parse_time(value: Any, field: str, *, required: bool) -> datetime | None:
    """An ISO-8601 time with a zone, as naive UTC; None when absent and allowed."""
    if value is None or value == "":
        if required:
            raise ValueError(f"{field} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} is not a time: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} is not an ISO-8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{field} has no time zone: {value!r}")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _text(value: Any, field: str, *, required: bool, nullable: bool) -> str | None:
    if value is None:
        if required:
            raise ValueError(f"{field} is missing")
        return None if nullable else ""
    if not isinstance(value, str):
        raise ValueError(f"{field} is not text: {value!r}")
    if required and not value:
        raise ValueError(f"{field} is empty")
    return value


def _number(value: Any, column: Column, *, required: bool) -> int | float | None:
    field = column.field
    if value is None:
        if required:
            raise ValueError(f"{field} is missing")
        return None
    whole = base_type(column.type).startswith(("Int", "UInt"))
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        raise ValueError(f"{field} is not {'a whole number' if whole else 'a number'}: {value!r}")
    low, high = column.value_range or (None, None)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{field} is out of range: {value}")
    return value


def _boolean(value: Any, field: str, *, required: bool) -> bool | None:
    if value is None and not required:
        return None
    if not isinstance(value, bool):
        raise ValueError(f"{field} is not true or false: {value!r}")
    return value


def _value(column: Column, item: dict[str, Any], required: bool) -> Any:
    value = item.get(column.field)
    if column.presence_only:  # whether a value was given; the value goes no further
        return not (value is None or (isinstance(value, str) and not value.strip()))
    base = base_type(column.type)
    if base.startswith("Date"):
        return parse_time(value, column.field, required=required)
    if base.startswith(("Int", "UInt", "Float", "Decimal")):
        return _number(value, column, required=required)
    if base == "Bool":
        return _boolean(value, column.field, required=required)
    return _text(value, column.field, required=required, nullable=is_nullable(column.type))


def item_row(table: Table, item: Any) -> dict[str, Any]:
    """The raw row of one API item, or ValueError saying what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError("item is not a JSON object")
    required = set(table.required_columns)
    return {column.name: _value(column, item, column.name in required) for column in table.columns}
