"""Writing the run into the audit tables. Each write opens the target and closes it again: between writes
the steps' own processes have the warehouse (an embedded one admits one process at a time)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from clickhouse_connect.driver.client import Client

from parebrick.daily.schema import AUDIT_DATABASE, DAILY_RUNS, DAILY_STEPS, ddl
from parebrick.load.sql import qualified
from parebrick.profile import Target
from parebrick.warehouse import connect


@contextmanager
def opened(target: Target) -> Iterator[Client]:
    client = connect(target)
    try:
        for statement in ddl(target.cluster):
            client.command(statement)
        yield client
    finally:
        client.close()


def insert(target: Target, table: str, names: Sequence[str], rows: list[list[Any]]) -> None:
    if not rows:
        return
    with opened(target) as client:
        client.insert(table, rows, column_names=list(names), database=AUDIT_DATABASE)


def run_event(target: Target, row: dict[str, Any]) -> None:
    insert(target, DAILY_RUNS.name, DAILY_RUNS.names, [[row[name] for name in DAILY_RUNS.names]])


def step(target: Target, row: dict[str, Any]) -> None:
    insert(target, DAILY_STEPS.name, DAILY_STEPS.names, [[row[name] for name in DAILY_STEPS.names]])


_LATEST = ", ".join(f"argMax({name}, event_at) AS last_{name}" for name in DAILY_RUNS.names if name != "run_id")
_UNFINISHED_SQL = (f"SELECT run_id, {_LATEST} FROM {qualified(AUDIT_DATABASE, DAILY_RUNS.name)} "
                   "GROUP BY run_id HAVING last_status = 'running'")


def unfinished_runs(target: Target) -> list[dict[str, Any]]:
    """The runs whose last event is `running`: as this run holds the lock, they were killed."""
    with opened(target) as client:
        rows = client.query(_UNFINISHED_SQL).result_rows
    return [dict(zip(DAILY_RUNS.names, row)) for row in rows]
