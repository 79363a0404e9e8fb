"""SQL text for the loaders: quoting, and the DDL of raw, bookkeeping and landing tables.

Names and values that come from files (column names in a header, file names) are never pasted into SQL
as they are: values travel as query parameters, identifiers through `ident`, and literals through
`literal` when a parameter cannot be used (DDL).
"""

from __future__ import annotations

from parebrick.load.registry import EXTRA_COLUMN, META_COLUMNS, RAW_DATABASE, Column, Table

# The loader's plumbing (landing tables and the views that route their rows): nothing else reads it.
LOADER_DATABASE = "raw_loader"
BATCHES_TABLE = "load_batches"
REJECTED_TABLE = "load_rejected_rows"
COMMITTED_VIEW = "committed_batches"


def ident(name: str) -> str:
    """A ClickHouse identifier, back-quoted whatever characters it holds."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def literal(text: str) -> str:
    """A ClickHouse string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def qualified(database: str, table: str) -> str:
    return f"{ident(database)}.{ident(table)}"


def is_nullable(type_: str) -> bool:
    return type_.startswith("Nullable(") or type_.startswith("LowCardinality(Nullable(")


def nullable(type_: str) -> str:
    """The type that can also hold NULL (how a required column is read, so that "missing" is visible)."""
    if is_nullable(type_) or type_.startswith("Map(") or type_.startswith("Array("):
        return type_
    if type_.startswith("LowCardinality("):
        return f"LowCardinality(Nullable({type_[len('LowCardinality('):-1]}))"
    return f"Nullable({type_})"


def base_type(type_: str) -> str:
    """The type without Nullable and LowCardinality wrappers."""
    for wrapper in ("LowCardinality(", "Nullable("):
        if type_.startswith(wrapper):
            type_ = base_type(type_[len(wrapper):-1])
    return type_


def column_defs(columns: tuple[Column, ...] | list[Column]) -> str:
    return ",\n    ".join(f"{ident(c.name)} {c.type} COMMENT {literal(c.description)}" for c in columns)


def raw_columns(table: Table) -> tuple[Column, ...]:
    extra = (EXTRA_COLUMN,) if table.format.keep_extra_columns else ()
    return (*table.columns, *extra, *META_COLUMNS)


def create_raw_table(table: Table, cluster: str | None = None) -> str:
    on_cluster = f" ON CLUSTER {ident(cluster)}" if cluster else ""
    engine = "ReplicatedMergeTree" if cluster else "MergeTree"
    partition = f"\nPARTITION BY {table.partition_by}" if table.partition_by else ""
    order = ", ".join(ident(name) for name in table.key)
    return (
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, table.raw_name)}{on_cluster} (\n"
        f"    {column_defs(raw_columns(table))},\n"
        # Finding a batch's rows (counting, cleaning up) skips every granule written by other batches.
        f"    INDEX _batch_id_minmax _batch_id TYPE minmax GRANULARITY 1\n)\nENGINE = {engine}{partition}\nORDER BY ({order})\n"
        f"COMMENT {literal(table.description)}"
    )


BATCH_COLUMNS: tuple[Column, ...] = (
    Column("batch_id", "UUID", "Load batch id: every raw row and rejected row carries it."),
    Column("table_name", "LowCardinality(String)", "Raw table the batch loads, `<group>__<table>`."),
    Column("source", "String", "File path relative to the inbox, or the API request (without credentials)."),
    Column("source_kind", "LowCardinality(String)", "`file` or `api`."),
    Column("content_sha256", "String", "SHA-256 of the file's bytes: its identity (the same bytes are loaded once)."),
    Column("size_bytes", "UInt64", "Size of the file in bytes (0 for API pulls)."),
    Column("status", "LowCardinality(String)",
           "Event of the batch: `started`; then one final event, `committed` (rows visible to staging), `rejected` "
           "(the whole source refused, see reason), `failed` (the load broke, rows removed) or `aborted` (an "
           "interrupted load cleaned up by a later run)."),
    Column("rows_read", "UInt64", "Rows read from the source (final events): rows_loaded + rows_rejected."),
    Column("rows_loaded", "UInt64", "Rows written to the raw table."),
    Column("rows_rejected", "UInt64", "Rows quarantined in load_rejected_rows."),
    Column("reason", "String", "Why the batch was rejected, failed or aborted; empty otherwise."),
    Column("cursor", "String", "API pulls: the updated_since cursor the committed batch advances to."),
    Column("started_at", "DateTime64(3, 'UTC')", "When the batch started (UTC)."),
    Column("event_at", "DateTime64(3, 'UTC')", "When this event was recorded (UTC)."),
    Column("host", "String", "Host name of the loader process."),
    Column("pid", "UInt32", "Process id of the loader process."),
)

REJECTED_COLUMNS: tuple[Column, ...] = (
    Column("batch_id", "UUID", "Load batch the row was read in (load_batches.batch_id)."),
    Column("table_name", "LowCardinality(String)", "Raw table the row was meant for, `<group>__<table>`."),
    Column("source", "String", "File path relative to the inbox, or the API request."),
    Column("source_row", "UInt64", "1-based record number in the source (as _source_row of raw rows)."),
    Column("raw_text", "String", "The row as read (UTF-8; for rows that parsed but failed validation, the parsed "
                                 "values written back as CSV; for API items, the item's JSON)."),
    Column("reason", "String", "Why the row was rejected: the column and the parse or validation error."),
    Column("rejected_at", "DateTime64(3, 'UTC')", "When the row was quarantined (UTC)."),
)


def bookkeeping_ddl(cluster: str | None = None) -> list[str]:
    """The batch log, the quarantine and the committed-batches view, in the raw database."""
    on_cluster = f" ON CLUSTER {ident(cluster)}" if cluster else ""
    engine = "ReplicatedMergeTree" if cluster else "MergeTree"
    raw = ident(RAW_DATABASE)
    return [
        f"CREATE DATABASE IF NOT EXISTS {raw}{on_cluster}",
        f"CREATE DATABASE IF NOT EXISTS {ident(LOADER_DATABASE)}{on_cluster}",
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, BATCHES_TABLE)}{on_cluster} (\n"
        f"    {column_defs(BATCH_COLUMNS)}\n) ENGINE = {engine} ORDER BY (table_name, batch_id, event_at)\n"
        f"COMMENT 'Load batch log: one row per event of a batch; a batch is visible when it has a committed event.'",
        f"CREATE TABLE IF NOT EXISTS {qualified(RAW_DATABASE, REJECTED_TABLE)}{on_cluster} (\n"
        f"    {column_defs(REJECTED_COLUMNS)}\n) ENGINE = {engine} ORDER BY (table_name, batch_id)\n"
        f"COMMENT 'Quarantine: rows that failed parsing or validation, with their batch, row number, text and reason.'",
        f"CREATE VIEW IF NOT EXISTS {qualified(RAW_DATABASE, COMMITTED_VIEW)}{on_cluster} AS\n"
        f"SELECT batch_id, table_name, source, source_kind, content_sha256, rows_read, rows_loaded, rows_rejected,\n"
        f"       cursor, started_at, event_at AS committed_at\n"
        f"FROM {qualified(RAW_DATABASE, BATCHES_TABLE)} WHERE status = 'committed'",
    ]
