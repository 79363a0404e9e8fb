"""Values a file's name carries (`Table.file_name_pattern`): the smart registry's cabinet and list version.

The pattern is a Python regular expression with named groups, matched against the whole file name; each
named group is a column of every row of the file (a declared column of that name or `source_name`), its
text typed like any field, whatever the reader. A file whose name does not match, or whose name's values do
not type, is not an extract of the table (`check`).
"""

from __future__ import annotations

import re

from clickhouse_connect.driver.client import Client

from parebrick.load.inspect import FileRejected
from parebrick.load.schema import Table
from parebrick.load.values import reason, typed

# Query parameters carrying the values: `{file_name_<group>:String}`.
NAME_PARAMETER = "file_name_"


def name_values(table: Table, file_name: str) -> dict[str, str]:
    """The named groups' values in `file_name`; FileRejected when it does not match."""
    if not table.file_name_pattern:
        return {}
    match = re.fullmatch(table.file_name_pattern, file_name)
    if match is None:
        raise FileRejected(f"the file name does not match {table.qualified}'s pattern {table.file_name_pattern}")
    return {name: value or "" for name, value in match.groupdict().items()}


def parameters(table: Table, file_name: str) -> dict[str, str]:
    """The query parameters carrying the values of `file_name` (see `placeholder`)."""
    return {f"{NAME_PARAMETER}{name}": value for name, value in name_values(table, file_name).items()}


def placeholder(field: str) -> str:
    """The SQL text of a file-name field's value: a query parameter."""
    return f"{{{NAME_PARAMETER}{field}:String}}"


def check(client: Client, table: Table, file_name: str) -> None:
    """FileRejected unless the file name matches and its values type: they would fail every row alike."""
    values = name_values(table, file_name)
    checks = [check for column in table.columns if column.field in values
              for check in typed(table, column, placeholder(column.field), text=True).checks]
    if not checks:
        return
    (problem,), = client.query(f"SELECT {reason(checks)}", parameters=parameters(table, file_name)).result_rows
    if problem:
        raise FileRejected(f"the file name {file_name}: {problem}")
