"""Create the raw tables and the landing that routes each parsed row to raw or to quarantine.

A CSV batch is one `INSERT … SELECT FROM file()` into a landing table (engine Null: it stores nothing).
Materialized views on it send rows without a rejection reason to `raw.<group>__<table>`, the others to
`raw.load_rejected_rows`, and count both per batch: one pass over the file, whatever it holds.
"""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

from parebrick.load.registry import EXTRA_COLUMN, META_COLUMNS, RAW_DATABASE, Column, Table
from parebrick.load.sql import (
    LOADER_DATABASE, REJECTED_TABLE, bookkeeping_ddl, create_raw_table, ident, is_nullable, literal,
    nullable, qualified, raw_columns,
)

COUNTS_TABLE = "batch_counts"
REASON = "_reject_reason"
RAW_TEXT = "_raw_text"


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
    client.command(
        f"CREATE TABLE IF NOT EXISTS {qualified(LOADER_DATABASE, COUNTS_TABLE)} "
        "(batch_id UUID, loaded UInt64, rejected UInt64) ENGINE = SummingMergeTree ORDER BY batch_id"
    )


def ensure_raw_table(client: Client, table: Table, cluster: str | None = None) -> None:
    """Create the raw table, or add the registry's new columns to an existing one."""
    client.command(create_raw_table(table, cluster))
    additions = ", ".join(f"ADD COLUMN IF NOT EXISTS {ident(c.name)} {c.type}" for c in raw_columns(table))
    client.command(f"ALTER TABLE {qualified(RAW_DATABASE, table.raw_name)} {additions}")


def ensure_landing(client: Client, table: Table) -> str:
    """(Re)create the landing of `table` and its routing views; returns the landing's qualified name."""
    landing, to_raw, to_rejected = _landing_names(table)
    for view in (to_raw, to_rejected, f"{table.raw_name}__counts"):
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
    client.command(
        f"CREATE MATERIALIZED VIEW {qualified(LOADER_DATABASE, table.raw_name + '__counts')} "
        f"TO {qualified(LOADER_DATABASE, COUNTS_TABLE)} AS SELECT _batch_id AS batch_id, "
        f"countIf({ident(REASON)} = '') AS loaded, countIf({ident(REASON)} != '') AS rejected "
        f"FROM {qualified(LOADER_DATABASE, landing)} GROUP BY _batch_id"
    )
    return qualified(LOADER_DATABASE, landing)


def batch_counts(client: Client, batch_id: object) -> tuple[int, int]:
    """(rows loaded, rows rejected by validation) that went through the landing for a batch."""
    rows = client.query(
        f"SELECT sum(loaded), sum(rejected) FROM {qualified(LOADER_DATABASE, COUNTS_TABLE)} "
        "WHERE batch_id = {batch:UUID}", parameters={"batch": str(batch_id)},
    ).result_rows
    return (int(rows[0][0] or 0), int(rows[0][1] or 0)) if rows else (0, 0)
