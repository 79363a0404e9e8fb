"""Create the raw tables and the landing that routes each parsed row to raw or to quarantine.

A CSV batch is one `INSERT … SELECT FROM file()` into a landing table (engine Null: it stores nothing).
Materialized views on it send rows without a rejection reason to `raw.<group>__<table>`, the others to
`raw.load_rejected_rows`: one pass over the file, whatever it holds.
"""

from __future__ import annotations

from datetime import datetime

from clickhouse_connect.driver.client import Client

from parebrick.load.schema import (
    EXTRA_COLUMN, LOADER_DATABASE, META_COLUMNS, RAW_DATABASE, REJECTED_TABLE, Column, Table, is_nullable, nullable,
    raw_columns,
)
from parebrick.load.sql import bookkeeping_ddl, create_raw_table, ident, literal, on_cluster, qualified

REASON = "_reject_reason"
RAW_TEXT = "_raw_text"
# Every reader's batch metadata, as query parameters of its one INSERT (`batch_parameters`); `_source_row`
# is the reader's own (how it numbers rows).
BATCH_VALUES = {"_batch_id": "{batch:UUID}", "_source": "{source:String}",
                "_loaded_at": "{loaded_at:DateTime64(3, 'UTC')}"}


def batch_parameters(batch_id: object, source: str, loaded_at: datetime) -> dict[str, str]:
    """The values of `BATCH_VALUES` for one batch."""
    return {"batch": str(batch_id), "source": source, "loaded_at": loaded_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]}


def landing_columns(table: Table) -> list[Column]:
    """Raw columns as the landing holds them: required ones may be NULL there, so a missing value shows."""
    columns = [Column(c.name, nullable(c.type) if c.name in table.required_columns else c.type, c.description)
               for c in table.columns]
    if table.format.keep_extra_columns:
        columns.append(EXTRA_COLUMN)
    return [*columns, *META_COLUMNS, Column(REASON, "String", "why the row is rejected; empty if it is loaded"),
            Column(RAW_TEXT, "String", "the row's text as read, for rejected rows")]


def _landing_names(table: Table) -> tuple[str, str, str]:
    return f"{table.raw_name}__landing", f"{table.raw_name}__to_raw", f"{table.raw_name}__to_rejected"


def ensure_bookkeeping(client: Client, cluster: str | None = None) -> None:
    for statement in bookkeeping_ddl(cluster):
        client.command(statement)


class RawTableMismatch(RuntimeError):
    """A raw table's key column has another type in the warehouse than in its declaration."""


def ensure_raw_tables(client: Client, tables: list[Table], cluster: str | None = None) -> None:
    """Create missing raw tables; add declared columns they lack and retype columns whose type changed.

    A key column cannot be retyped in place (the table is sorted by it): that is refused in one line.
    """
    existing: dict[str, dict[str, str]] = {}
    for table_name, column, type_ in client.query(
        "SELECT table, name, type FROM system.columns WHERE database = {db:String}", parameters={"db": RAW_DATABASE}
    ).result_rows:
        existing.setdefault(table_name, {})[column] = type_
    for table in tables:
        if table.raw_name not in existing:
            client.command(create_raw_table(table, cluster))
            continue
        present = existing[table.raw_name]
        changes = [f"ADD COLUMN IF NOT EXISTS {ident(c.name)} {c.type}" for c in raw_columns(table)
                   if c.name not in present]
        for column in raw_columns(table):
            if column.name in present and present[column.name] != column.type:
                if column.name in table.key:
                    raise RawTableMismatch(
                        f"raw.{table.raw_name}.{column.name} is {present[column.name]} in the warehouse but "
                        f"{column.type} in its declaration; a key column cannot change type in place: rebuild the "
                        f"table (drop it and its batches, then load the inbox again)")
                changes.append(f"MODIFY COLUMN {ident(column.name)} {column.type}")
        if changes:
            client.command(f"ALTER TABLE {qualified(RAW_DATABASE, table.raw_name)}{on_cluster(cluster)} "
                           f"{', '.join(changes)}", settings={"mutations_sync": 2})


def ensure_raw_table(client: Client, table: Table, cluster: str | None = None) -> None:
    ensure_raw_tables(client, [table], cluster)


def ensure_landing(client: Client, table: Table) -> str:
    """(Re)create the landing of `table` and its routing views; returns the landing's qualified name."""
    landing, to_raw, to_rejected = _landing_names(table)
    for view in (to_raw, to_rejected):
        client.command(f"DROP VIEW IF EXISTS {qualified(LOADER_DATABASE, view)}")
    client.command(f"DROP TABLE IF EXISTS {qualified(LOADER_DATABASE, landing)}")
    columns = landing_columns(table)
    definition = ", ".join(f"{ident(c.name)} {c.type}" for c in columns)
    client.command(f"CREATE TABLE {qualified(LOADER_DATABASE, landing)} ({definition}) ENGINE = Null")

    raw_names = [c.name for c in raw_columns(table)]
    selected = []
    for name in raw_names:
        landed = next(c for c in columns if c.name == name)
        target = next(c for c in raw_columns(table) if c.name == name)
        needs_unwrap = is_nullable(landed.type) and not is_nullable(target.type)
        selected.append(f"assumeNotNull({ident(name)}) AS {ident(name)}" if needs_unwrap else ident(name))
    client.command(
        f"CREATE MATERIALIZED VIEW {qualified(LOADER_DATABASE, to_raw)} TO {qualified(RAW_DATABASE, table.raw_name)} "
        f"AS SELECT {', '.join(selected)} FROM {qualified(LOADER_DATABASE, landing)} WHERE {ident(REASON)} = ''"
    )
    client.command(
        f"CREATE MATERIALIZED VIEW {qualified(LOADER_DATABASE, to_rejected)} "
        f"TO {qualified(RAW_DATABASE, REJECTED_TABLE)} AS SELECT _batch_id AS batch_id, "
        f"{literal(table.raw_name)} AS table_name, toString(_source) AS source, _source_row AS source_row, "
        f"{ident(RAW_TEXT)} AS raw_text, {ident(REASON)} AS reason, _loaded_at AS rejected_at "
        f"FROM {qualified(LOADER_DATABASE, landing)} WHERE {ident(REASON)} != ''"
    )
    return qualified(LOADER_DATABASE, landing)


def batch_counts(client: Client, table: Table, batch_id: object) -> tuple[int, int]:
    """(rows in the raw table, rows in the quarantine) that a batch wrote."""
    params = {"batch": str(batch_id), "table": table.raw_name}
    loaded = client.query(f"SELECT count() FROM {qualified(RAW_DATABASE, table.raw_name)} WHERE _batch_id = {{batch:UUID}}",
                          parameters=params).result_rows[0][0]
    rejected = client.query(f"SELECT count() FROM {qualified(RAW_DATABASE, REJECTED_TABLE)} "
                            "WHERE table_name = {table:String} AND batch_id = {batch:UUID}", parameters=params).result_rows[0][0]
    return int(loaded), int(rejected)
