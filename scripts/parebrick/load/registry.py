"""The raw tables of the project, as its source groups declare them (see `declarations`).

Read once per project directory and kept: a load, a pull and the tests all ask for the same tables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from parebrick.load.declarations import read_project
from parebrick.load.schema import Table
from parebrick.profile import project_dir


@lru_cache(maxsize=8)
def _declared(project: Path) -> tuple[tuple[str, str, tuple[Table, ...]], ...]:
    return tuple((group, description, tuple(tables)) for group, description, tables in read_project(project))


def groups(project: Path | None = None) -> dict[str, str]:
    """Every source group, with its description."""
    return {group: description for group, description, _ in _declared(project or project_dir())}


def tables(project: Path | None = None) -> dict[str, Table]:
    """Every declared raw table by `group.table`, group by group in declaration order."""
    return {table.qualified: table for _, _, declared in _declared(project or project_dir()) for table in declared}


def file_tables(project: Path | None = None) -> list[Table]:
    """Tables delivered as files in the inbox (every reader but the API's)."""
    return [table for table in tables(project).values() if table.format.reader != "api"]


def get(qualified: str, project: Path | None = None) -> Table:
    """The table `group.table`, with a message naming the known ones when it is not declared."""
    known = tables(project)
    try:
        return known[qualified]
    except KeyError:
        raise KeyError(f"no raw table {qualified!r} is declared (known: {', '.join(sorted(known))})") from None
