"""Write the backup of this release that later releases must still restore (test_release_backups.py).

Run it with the project installed, when a pin (chdb, dbt-core, dbt-clickhouse) is about to move, and commit
what it writes beside this file: `<release>.tar` (one BACKUP archive) and its record. The warehouse it backs
up is small but made the way the project makes its own: every column type the warehouse uses, a loader's
Null entry table with the materialized view that files its rows, a ReplacingMergeTree with versions not
merged yet, and a view.

    .venv/bin/python pytests/ops/release_backups/make_release_backup.py
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

from parebrick import __version__
from parebrick.backup.destinations import LocalFiles
from parebrick.backup.operations import create_backup
from parebrick.backup.records import record_path, write_record
from parebrick.embedded import open_client

HERE = Path(__file__).resolve().parent
_COLUMNS = """
    call_id UUID, service LowCardinality(String), territory LowCardinality(Nullable(String)), agent String,
    note Nullable(String), is_handled Bool, started_at DateTime64(3, 'UTC'), ended_at Nullable(DateTime64(3, 'UTC')),
    answered_at DateTime('UTC'), call_date Date, callback_date Nullable(Date), duration_s UInt32,
    wait_s Nullable(UInt16), score Int8, rating Nullable(Float64), amount Nullable(Decimal(18, 2)),
    tags Array(String), _extra Map(String, String), _source_row UInt64, _loaded_at DateTime64(3, 'UTC')
"""
_ROWS = """
    SELECT toUUID(printf('00000000-0000-4000-8000-%012d', number)) AS call_id, ['sales', 'support', 'billing'][number % 3 + 1] AS service,
           if(number % 7 = 0, NULL, ['Moscow', 'Саратов', 'Kazan'][number % 3 + 1]) AS territory,
           concat('agent-', toString(number % 40)) AS agent, if(number % 5 = 0, NULL, 'a ''note''') AS note,
           number % 4 != 0 AS is_handled, toDateTime64('2025-01-01 08:00:00', 3, 'UTC') + number * 37 AS started_at,
           if(number % 9 = 0, NULL, started_at + 120) AS ended_at, toDateTime(started_at, 'UTC') AS answered_at,
           toDate(started_at) AS call_date, if(number % 3 = 0, call_date + 2, NULL) AS callback_date,
           number % 600 AS duration_s, if(number % 11 = 0, NULL, number % 300) AS wait_s, number % 5 - 2 AS score,
           if(number % 6 = 0, NULL, (number % 50) / 10) AS rating, if(number % 8 = 0, NULL, number / 100) AS amount,
           arrayMap(i -> concat('t', toString(i)), range(number % 4)) AS tags,
           map('channel', toString(number % 2)) AS _extra, number + 1 AS _source_row,
           toDateTime64('2025-02-01 00:00:00', 3, 'UTC') AS _loaded_at
    FROM numbers({rows})
"""


def build(client) -> None:
    """The warehouse of the release backup, the same rows on every run."""
    for database in ("raw", "raw_loader", "detail", "views"):
        client.command(f"CREATE DATABASE {database}")
    client.command(f"CREATE TABLE raw.calls ({_COLUMNS}) ENGINE = MergeTree ORDER BY (call_date, call_id)")
    client.command(f"CREATE TABLE raw_loader.calls__landing ({_COLUMNS}) ENGINE = Null")
    client.command("CREATE MATERIALIZED VIEW raw_loader.calls__to_raw TO raw.calls AS "
                   "SELECT * FROM raw_loader.calls__landing")
    client.command("INSERT INTO raw_loader.calls__landing " + _ROWS.format(rows=2000))
    client.command("CREATE TABLE detail.dtl_agents (agent String, calls UInt64, version UInt32) "
                   "ENGINE = ReplacingMergeTree(version) ORDER BY agent")
    for version in (1, 2):
        client.command(f"INSERT INTO detail.dtl_agents SELECT agent, count() * {version}, {version} FROM raw.calls "
                       "GROUP BY agent")
    client.command("CREATE VIEW views.v_agents AS SELECT agent, calls FROM detail.dtl_agents FINAL")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        destination = LocalFiles(root / "backups")
        client = open_client(root / "warehouse", backups=destination.root)
        try:
            build(client)
            engine = client.query("SELECT version()").result_rows[0][0]
            name = f"parebrick-{__version__}-clickhouse-{engine}.tar"
            record = create_backup(client, "local", destination, incremental=False, name=name)
        finally:
            client.close()
        shutil.copy(destination.root / name, HERE / name)
        # The record names the archive only: where it was written is no part of it.
        write_record(HERE, dataclasses.replace(record, destination=name))
    print(f"wrote {HERE / name} and {record_path(HERE, name).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
