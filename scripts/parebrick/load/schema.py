"""The shapes every source group declares its raw tables in, and the loader's own bookkeeping columns.

A group's tables are declared in its sources YAML (`models/staging/<group>/_<group>__sources.yml`, read by
`declarations`); this module holds the types those declarations become and the columns the loader adds
to every raw table, to the batch log and to the quarantine. Types are ClickHouse types as stored in `raw`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RAW_DATABASE = "raw"
# The loader's plumbing (landing tables and the views that route their rows): nothing else reads it.
LOADER_DATABASE = "raw_loader"
BATCHES_TABLE = "load_batches"
REJECTED_TABLE = "load_rejected_rows"
COMMITTED_VIEW = "committed_batches"

# How a format's files are read (`parebrick.load.readers`); `api` tables are pulled, never found in the inbox.
READERS = ("csv", "jsonl", "blocks", "api")
# Time columns written as Unix epoch seconds instead of text.
EPOCH = "epoch"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    # The field's name in the extract when it is not the column's (a header with hyphens, an unnamed index
    # column, a path into a JSON object such as `operup.status`); None: the extract calls it `name`.
    source_name: str | None = None
    # For a time column: how this column writes times when it differs from its format (e.g. `epoch`).
    time_format: str | None = None
    # Bounds a number must lie within (either may be None); a value outside is rejected.
    value_range: tuple[float | None, float | None] | None = None
    # A regular expression (the engine's RE2, searched in the text) a text value must match; a value that
    # does not is rejected. Anchor it (`^[A-Za-z]+$`) to constrain the whole value.
    pattern: str | None = None
    # The column keeps only whether its field holds a value (Bool): the value itself (a password people
    # send) is never written anywhere, and every rejected row's text is stored with it redacted (`redact`).
    presence_only: bool = False

    @property
    def field(self) -> str:
        """The name of the column in the extract."""
        return self.name if self.source_name is None else self.source_name


@dataclass(frozen=True)
class Layout:
    """One record layout of a headerless file: its fields in order, and the values some of them must have."""

    name: str
    fields: tuple[str, ...]
    constants: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Format:
    """How a source system writes its extracts: which reader, and that reader's dialect."""

    name: str
    reader: str = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    decimal_comma: bool = False
    # Text times in this zone are converted to UTC on load; None means they are written in UTC already
    # or (wfm) are local wall-clock times kept as written.
    source_time_zone: str | None = None
    # The exact pattern of times (ClickHouse parseDateTime syntax), `epoch` for Unix seconds; None: ISO-like.
    time_format: str | None = None
    # Extra columns beyond the declaration are kept in `_extra` (UCCX, JSON reports); elsewhere they reject the file.
    keep_extra_columns: bool = False
    # Free text (CRM comments) whose leading and trailing spaces are data: unquoted fields are read as written.
    # Elsewhere spaces around an unquoted field are padding and are trimmed (also the engine's faster path).
    free_text: bool = False
    # The spellings of booleans this system writes; anything else in a Bool column is rejected.
    true_values: tuple[str, ...] = ("true", "1")
    false_values: tuple[str, ...] = ("false", "0")
    # Headerless files (reader `blocks`): the layouts, in the order their blocks must come.
    layouts: tuple[Layout, ...] = ()
    # Extract file names this format's files have (lower case).
    suffixes: tuple[str, ...] = (".csv", ".csv.gz")
    description: str = ""


@dataclass(frozen=True)
class Freshness:
    warn_hours: int
    error_hours: int


@dataclass(frozen=True)
class Table:
    group: str
    name: str
    description: str
    format: Format
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Partition expression over the extract's main date, or None for small dictionaries (one partition).
    partition_by: str | None
    freshness: Freshness
    # Among rows with the same key the newest value of this column wins; None: the latest loaded batch wins.
    version_column: str | None = None
    # Columns that must be present (besides the key): a row without them is rejected.
    required: tuple[str, ...] = field(default=())
    # Values of the file name that become columns (smart registry: `<cabinet>_manager_<DDMMYYYY>.csv`).
    file_name_pattern: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.group}.{self.name}"

    @property
    def raw_name(self) -> str:
        return f"{self.group}__{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def file_name_fields(self) -> tuple[str, ...]:
        """The named groups of `file_name_pattern`: fields every row takes from its file's name, not its text."""
        return tuple(re.compile(self.file_name_pattern).groupindex) if self.file_name_pattern else ()

    @property
    def secret_fields(self) -> tuple[str, ...]:
        """The extract's fields that presence-only columns read: their values never leave the reader."""
        return tuple(column.field for column in self.columns if column.presence_only)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a row cannot lack: the key, the declared ones, and every non-text column that cannot be NULL."""
        implied = tuple(c.name for c in self.columns if not is_nullable(c.type) and "String" not in c.type)
        return tuple(dict.fromkeys(self.key + self.required + implied))


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


# Load metadata carried by every raw row.
META_COLUMNS: tuple[Column, ...] = (
    Column("_batch_id", "UUID", "Load batch that wrote the row (raw.load_batches.batch_id); visible to staging only once "
                                "that batch is committed."),
    Column("_source", "LowCardinality(String)", "Where the row came from: the file path relative to the inbox, or the API "
                                                "request (without credentials)."),
    Column("_source_row", "UInt64", "1-based position of the row in its source: the data record number in the file "
                                    "(header not counted; a quoted line break does not start a record), the line "
                                    "number of a headerless or JSON-lines file, or the item number within the API pull."),
    Column("_loaded_at", "DateTime64(3, 'UTC')", "When the loader wrote the batch (UTC)."),
)
EXTRA_COLUMN = Column("_extra", "Map(String, String)",
                      "Fields of the extract that its declaration does not name, kept as text by field name.")


def raw_columns(table: Table) -> tuple[Column, ...]:
    """The columns of the table in `raw`: the declared ones, `_extra` where the format keeps extras, the load metadata."""
    extra = (EXTRA_COLUMN,) if table.format.keep_extra_columns else ()
    return (*table.columns, *extra, *META_COLUMNS)


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
                                 "values written back as CSV; for JSON lines and API items, the JSON). The value of "
                                 "a presence-only field (a password) is never kept: it reads [redacted], and a row "
                                 "that cannot be split into its fields is withheld whole."),
    Column("reason", "String", "Why the row was rejected: the column and the parse or validation error."),
    Column("rejected_at", "DateTime64(3, 'UTC')", "When the row was quarantined (UTC)."),
)
REJECTED_NAMES: tuple[str, ...] = tuple(column.name for column in REJECTED_COLUMNS)

# The alert sender's ledger (`parebrick alerts send`, scripts/parebrick/alerts/ledger.py): what was told to
# whom. Declared here beside the loader's bookkeeping so that its sources YAML is generated the same way.
NOTIFICATIONS_TABLE = "smart_notifications"
NOTIFICATION_COLUMNS: tuple[Column, ...] = (
    Column("message_id", "String", "Message-ID of the e-mail that carries the item, `<hash@parebrick>`: a hash of "
                                   "the recipient, the priority and every (alert, state, repeat number) it carries."),
    Column("recipient", "String", "E-mail address the message goes to (a cabinet's mailbox or a manager)."),
    Column("priority", "LowCardinality(String)", "`high` or `usage`: one message per recipient and priority per run."),
    Column("alert_id", "String", "The alert told (views.v_smart_alerts.alert_id)."),
    Column("state", "LowCardinality(String)",
           "What the item tells: `new` (first time to this recipient), `repeat` (still open, told again after "
           "var smart_repeat_hours) or `resolved` (told once)."),
    Column("repeat_no", "UInt32", "0 for new and resolved; 1, 2, … for the repeats of an open alert."),
    Column("status", "LowCardinality(String)",
           "Event of the item: `planned` (written before the message is sent), then `sent` (the SMTP server "
           "accepted the message). A planned item without a sent event is sent again, in the same message."),
    Column("cabinet", "String", "Cabinet of the alert's installation."),
    Column("client", "String", "Client of the alert's installation."),
    Column("rule", "LowCardinality(String)", "Alert rule (installation_down, report_missing, …)."),
    Column("opened_at", "DateTime64(3, 'UTC')", "When the alert opened (UTC)."),
    Column("resolved_at", "Nullable(DateTime64(3, 'UTC'))", "When the alert resolved (UTC), for resolved items."),
    Column("as_of", "DateTime64(3, 'UTC')", "The run's clock (`--now`): the repeat interval counts from it."),
    Column("event_at", "DateTime64(3, 'UTC')", "When this event was recorded (UTC, the wall clock)."),
)
