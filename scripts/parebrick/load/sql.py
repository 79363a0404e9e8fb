"""SQL text for the loaders: quoting, and the DDL of raw, bookkeeping and landing tables.

Names and values that come from files (column names in a header, file names) are never pasted into SQL
as they are: values travel as query parameters, identifiers through `ident`, and literals through
`literal` when a parameter cannot be used (DDL).
"""

from __future__ import annotations

from parebrick.load.schema import (
    BATCH_COLUMNS, BATCHES_TABLE, COMMITTED_VIEW, LOADER_DATABASE, RAW_DATABASE, REJECTED_COLUMNS, REJECTED_TABLE, Column,
    Table, raw_columns,
)


def ident(name: str) -> str:
    """A ClickHouse identifier, back-quoted whatever characters it holds."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def literal(text: str) -> str:
    """A ClickHouse string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def qualified(database: str, table: str) -> str:
    return f"{ident(database)}.{ident(table)}"


def on_cluster(cluster: str | None) -> str:
    """The `ON CLUSTER` clause of DDL on a cluster target (`Target.cluster`); nothing elsewhere."""
    return f" ON CLUSTER {ident(cluster)}" if cluster else ""


def merge_tree(cluster: str | None) -> str:
    """The table engine of the loader's tables: replicated on a cluster."""
    return "ReplicatedMergeTree" if cluster else "MergeTree"


def column_defs(columns: tuple[Column, ...] | list[Column]) -> str:
    return ",\n    ".join(f"{ident(c.name)} {c.type} COMMENT {literal(c.description)}" for c in columns)


def create_raw_table(table: Table, cluster: str | None = None) -> str:
    partition = f"\nPARTITION BY {table.partition_by}" if table.partition_by else ""
    order = ", ".join(ident(name) for name in table.key)
    return (
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, table.raw_name)}{on_cluster(cluster)} (\n"
        f"    {column_defs(raw_columns(table))},\n"
        # Finding a batch's rows (counting, cleaning up) skips every granule written by other batches.
        f"    INDEX _batch_id_minmax _batch_id TYPE minmax GRANULARITY 1\n)\nENGINE = {merge_tree(cluster)}{partition}\nORDER BY ({order})\n"
        f"COMMENT {literal(table.description)}"
    )


def bookkeeping_ddl(cluster: str | None = None) -> list[str]:
    """The batch log, the quarantine and the committed-batches view, in the raw database."""
    clause, engine = on_cluster(cluster), merge_tree(cluster)
    raw = ident(RAW_DATABASE)
    return [
        f"CREATE DATABASE IF NOT EXISTS {raw}{clause}",
        f"CREATE DATABASE IF NOT EXISTS {ident(LOADER_DATABASE)}{clause}",
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, BATCHES_TABLE)}{clause} (\n"
        f"    {column_defs(BATCH_COLUMNS)}\n) ENGINE = {engine} ORDER BY (table_name, batch_id, event_at)\n"
        f"COMMENT 'Load batch log: one row per event of a batch; a batch is visible when it has a committed event.'",
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, REJECTED_TABLE)}{clause} (\n"
        f"    {column_defs(REJECTED_COLUMNS)}\n) ENGINE = {engine} ORDER BY (table_name, batch_id)\n"
        f"COMMENT 'Quarantine: rows that failed parsing or validation, with their batch, row number, text and reason.'",
        f"CREATE VIEW IF NOT EXISTS {qualified(RAW_DATABASE, COMMITTED_VIEW)}{clause} AS\n"
        f"SELECT batch_id, table_name, source, source_kind, content_sha256, rows_read, rows_loaded, rows_rejected,\n"
        f"       cursor, started_at, event_at AS committed_at\n"
        f"FROM {qualified(RAW_DATABASE, BATCHES_TABLE)} WHERE status = 'committed'",
    ]
