"""The `audit` tables the daily batch writes: declared once here, as the loader declares its bookkeeping.

dbt's sources YAML of these tables is generated from this module (`parebrick sources`), the tables are created
from that YAML by the build's on-run-start hook (macros/build_scope/audit_tables.sql, so that the staging views
over them exist before any batch ran) and from here by the batch itself (`ddl`), with the same columns and keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from parebrick.load.schema import Column
from parebrick.load.sql import column_defs, ident, literal, merge_tree, on_cluster, qualified

AUDIT_DATABASE = "audit"
UTC_TIME = "DateTime64(3, 'UTC')"
RUN_ID = Column("run_id", "String", "The daily run (a UUID), as in audit.daily_runs.")


@dataclass(frozen=True)
class AuditTable:
    name: str
    description: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


DAILY_RUNS = AuditTable(
    "daily_runs",
    "One row per event of a daily run (`parebrick daily`): `running` when it took the lock, then its outcome. A run "
    "whose last event is `running` was killed before it ended (the next run records it `interrupted`).",
    (
        RUN_ID,
        Column("status", "LowCardinality(String)",
               "`running`, then `passed`, `failed` (a step failed), `stale` (a source is past its error_after "
               "freshness) or `interrupted` (killed; recorded by the next run)."),
        Column("target", "String", "dbt target the run worked on."),
        Column("steps", "Array(String)", "The steps the run was asked to run, in order."),
        Column("failed_step", "String", "The step that failed or found a stale source; empty when none did."),
        Column("exit_code", "Nullable(Int32)", "The exit code of `parebrick daily`; NULL while running."),
        Column("oncall_notified", "Bool", "Whether the on-call mailbox (PAREBRICK_ONCALL_EMAIL) accepted the notice."),
        Column("host", "String", "Host name of the process that ran it."),
        Column("pid", "UInt32", "Process id of `parebrick daily`."),
        Column("started_at", UTC_TIME, "When the run took the lock (UTC)."),
        Column("finished_at", f"Nullable({UTC_TIME})", "When the run ended (UTC); NULL while running."),
        Column("event_at", UTC_TIME, "When this event was recorded (UTC)."),
    ),
    ("run_id", "event_at"),
)

DAILY_STEPS = AuditTable(
    "daily_steps",
    "One row per step of a daily run, written when the step ends: its command, outcome and duration.",
    (
        RUN_ID,
        Column("position", "UInt8", "1-based position of the step in the batch's declared order."),
        Column("step", "LowCardinality(String)", "The step (load, pull-omnichat, build, freshness, alerts, "
                                                 "notifications, report)."),
        Column("status", "LowCardinality(String)",
               "`passed`, `failed`, `stale` (freshness found a source past error_after) or `skipped` (see reason)."),
        Column("reason", "String", "Why the step was skipped, or what failed, in one line; empty when it passed."),
        Column("command", "String", "The command the step ran (no credentials: they stay in the environment)."),
        Column("exit_code", "Nullable(Int32)", "The command's exit code; NULL for a skipped step."),
        Column("output_tail", "String", "The last lines the command printed."),
        Column("started_at", UTC_TIME, "When the step started (UTC)."),
        Column("finished_at", UTC_TIME, "When the step ended (UTC)."),
        Column("seconds", "Float64", "How long the step took."),
    ),
    ("run_id", "position"),
)

DBT_NODE_RESULTS = AuditTable(
    "dbt_node_results",
    "dbt's run results (target/run_results.json) of each daily run's build: one row per node and run.",
    (
        RUN_ID,
        Column("invocation_id", "String", "dbt's invocation id of the build (audit.dbt_builds.invocation_id)."),
        Column("unique_id", "String", "dbt's id of the node, e.g. model.parebrick.stg_cms__resource."),
        Column("resource_type", "LowCardinality(String)", "model, test, seed, snapshot, unit_test or operation."),
        Column("node_name", "String", "The node's name (the last part of unique_id)."),
        Column("status", "LowCardinality(String)", "dbt's status: success, error, skipped, pass, fail, warn, no-op."),
        Column("message", "String", "dbt's message for the node (the error of a failed one)."),
        Column("failures", "Nullable(UInt64)", "Failing rows of a test; NULL for other nodes."),
        Column("seconds", "Float64", "dbt's execution time of the node, in seconds."),
        Column("started_at", f"Nullable({UTC_TIME})", "When the node's compilation started (UTC)."),
        Column("completed_at", f"Nullable({UTC_TIME})", "When its execution ended (UTC)."),
        Column("generated_at", UTC_TIME, "When dbt wrote the run results (UTC)."),
    ),
    ("run_id", "unique_id"),
)

DBT_SOURCE_FRESHNESS = AuditTable(
    "dbt_source_freshness",
    "dbt's source freshness results (target/sources.json) of each daily run: one row per source table and run.",
    (
        RUN_ID,
        Column("invocation_id", "String", "dbt's invocation id of `dbt source freshness`."),
        Column("unique_id", "String", "dbt's id of the source table, e.g. source.parebrick.smart.polls."),
        Column("source_name", "String", "The source (group), e.g. smart."),
        Column("table_name", "String", "The source table, e.g. polls."),
        Column("status", "LowCardinality(String)",
               "`pass`, `warn` (past warn_after), `error` (past error_after: stale) or `runtime error` (not checked)."),
        Column("max_loaded_at", f"Nullable({UTC_TIME})", "The newest loaded_at_field of the table (UTC)."),
        Column("snapshotted_at", f"Nullable({UTC_TIME})", "The warehouse's clock when it was checked (UTC)."),
        Column("age_seconds", "Nullable(Float64)", "snapshotted_at minus max_loaded_at, in seconds."),
        Column("warn_after_seconds", "Nullable(Float64)", "The declared warn_after, in seconds."),
        Column("error_after_seconds", "Nullable(Float64)", "The declared error_after, in seconds."),
        Column("message", "String", "dbt's error when the check itself failed; empty otherwise."),
        Column("generated_at", UTC_TIME, "When dbt wrote the freshness results (UTC)."),
    ),
    ("run_id", "unique_id"),
)

TABLES: tuple[AuditTable, ...] = (DAILY_RUNS, DAILY_STEPS, DBT_NODE_RESULTS, DBT_SOURCE_FRESHNESS)


def ddl(cluster: str | None = None) -> list[str]:
    """The audit database and its tables, created when missing."""
    clause = on_cluster(cluster)
    statements = [f"CREATE DATABASE IF NOT EXISTS {ident(AUDIT_DATABASE)}{clause}"]
    for table in TABLES:
        order = ", ".join(ident(name) for name in table.order_by)
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {qualified(AUDIT_DATABASE, table.name)}{clause} (\n"
            f"    {column_defs(table.columns)}\n) ENGINE = {merge_tree(cluster)} ORDER BY ({order})\n"
            f"COMMENT {literal(table.description)}"
        )
    return statements
