"""Values a file's name carries (`Table.file_name_pattern`): the smart registry's cabinet and list version.

The pattern is a Python regular expression with named groups, matched against the whole file name; each
named group is a column of every row of the file (a declared column of that name or `source_name`), its
text typed like any field. A file whose name does not match is not an extract of the table.
"""

from __future__ import annotations

import re

from parebrick.load.inspect import FileRejected
from parebrick.load.schema import Table

# Query parameters carrying the values: `{file_name_<group>:String}`.
NAME_PARAMETER = "file_name_"


def name_values(table: Table, file_name: str | None) -> dict[str, str]:
    """The named groups' values in `file_name`; with None, the group names (values empty). FileRejected: no match."""
    if not table.file_name_pattern:
        return {}
    pattern = re.compile(table.file_name_pattern)
    if file_name is None:
        return {name: "" for name in pattern.groupindex}
    match = pattern.fullmatch(file_name)
    if match is None:
        raise FileRejected(f"the file name does not match {table.qualified}'s pattern {table.file_name_pattern}")
    return {name: value or "" for name, value in match.groupdict().items()}
