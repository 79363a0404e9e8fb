"""Create, restore and verify a backup on an open client; the SQL is built here, the commands only report."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

from parebrick import __version__
from parebrick.backup.checksums import TableSum, differences, table_sums, warehouse_databases
from parebrick.backup.destinations import Destination
from parebrick.backup.records import BackupRecord, RecordError, good_backups, new_name, write_record


class BackupError(RuntimeError):
    """A backup or restore the engine refused or could not finish, in one line."""


def backup_statement(databases: list[str], destination: Destination, name: str, base: str | None) -> str:
    what = ", ".join(f"DATABASE `{database}`" for database in databases)
    settings = f" SETTINGS base_backup = {destination.sql(base)}" if base else ""
    return f"BACKUP {what} TO {destination.sql(name)}{settings}"


def restore_statement(databases: list[str], destination: Destination, name: str,
                      renamed: dict[str, str] | None = None) -> str:
    """RESTORE of the backup's databases, each under its `renamed` name if given (a verify on a server)."""
    renamed = renamed or {}
    what = ", ".join(f"DATABASE `{database}`" + (f" AS `{renamed[database]}`" if database in renamed else "")
                     for database in databases)
    return f"RESTORE {what} FROM {destination.sql(name)}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create_backup(client: Client, target_name: str, destination: Destination, *, incremental: bool,
                  name: str | None = None) -> BackupRecord:
    """BACKUP every warehouse database, take every table's checksum, then write the record (the backup is
    good from that moment). Incremental: on top of the newest good backup, which must exist."""
    base = None
    if incremental:
        previous = good_backups(destination.records)
        if not previous:
            raise RecordError("an incremental backup adds to a good one and none is recorded: "
                              "run `parebrick backup create` (a full backup) first")
        base = previous[-1].name
    databases = warehouse_databases(client)
    if not databases:
        raise BackupError("the warehouse has no databases to back up (is it built?)")
    name = name or new_name(incremental)
    started = _now()
    backup_id, status = client.query(backup_statement(databases, destination, name, base)).result_rows[0]
    if status != "BACKUP_CREATED":
        raise BackupError(f"BACKUP ended with status {status}")
    size, files = _backup_size(client, str(backup_id))
    record = BackupRecord(
        name=name, target=target_name, destination=destination.shown(name), started_at=started,
        finished_at=_now(), base=base, databases=databases, size_bytes=size, files=files,
        engine_version=str(client.query("SELECT version()").result_rows[0][0]), parebrick_version=__version__,
        tables=table_sums(client, databases),
    )
    write_record(destination.records, record)
    return record


def _backup_size(client: Client, backup_id: str) -> tuple[int, int]:
    """What this backup itself wrote (bytes, files): an incremental one holds only what changed since its base."""
    rows = client.query("SELECT compressed_size, num_files FROM system.backups WHERE id = {id:String}",
                        parameters={"id": backup_id}).result_rows
    return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)


def tables_present(client: Client, databases: list[str]) -> list[str]:
    """The tables (of any engine) of `databases` the warehouse has now."""
    if not databases:
        return []
    listed = ", ".join("'" + name.replace("'", "\\'") + "'" for name in databases)
    rows = client.query(f"SELECT database || '.' || name FROM system.tables WHERE database IN ({listed}) "
                        "AND NOT is_temporary ORDER BY 1").result_rows
    return [str(row[0]) for row in rows]


@dataclass(frozen=True)
class RestoreResult:
    record: BackupRecord
    found: dict[str, TableSum]
    mismatches: list[str]


def restore_backup(client: Client, destination: Destination, record: BackupRecord, *,
                   replace: bool) -> RestoreResult:
    """RESTORE the backup's databases and compare every table with the record. A warehouse that already holds
    any of them is refused unless `replace`, which drops them first (`default`: its tables)."""
    present = tables_present(client, record.databases)
    if present and not replace:
        raise BackupError(
            f"the warehouse already has {len(present)} tables in the backup's databases (first: {present[0]}): "
            "restore into an empty warehouse (remove it first), or pass --replace to drop them and restore")
    if present:
        for database in record.databases:
            if database == "default":
                for table in tables_present(client, ["default"]):
                    client.command(f"DROP TABLE IF EXISTS `default`.`{table.split('.', 1)[1]}` SYNC")
            else:
                client.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")
    return _restore_and_compare(client, destination, record, renamed=None)


def _restore_and_compare(client: Client, destination: Destination, record: BackupRecord,
                         renamed: dict[str, str] | None) -> RestoreResult:
    _, status = client.query(restore_statement(record.databases, destination, record.name, renamed)).result_rows[0]
    if status != "RESTORED":
        raise BackupError(f"RESTORE ended with status {status}")
    found = table_sums(client, record.databases, renamed=renamed)
    return RestoreResult(record, found, differences(record.tables, found))


def verify_in_scratch(client: Client, destination: Destination, record: BackupRecord) -> RestoreResult:
    """Restore the backup into the empty warehouse `client` is open on (the embedded target's scratch one)."""
    present = tables_present(client, record.databases)
    if present:
        raise BackupError(f"the scratch warehouse of a verify must be empty; it has {present[0]}")
    return _restore_and_compare(client, destination, record, renamed=None)


def scratch_names(record: BackupRecord, token: str | None = None) -> dict[str, str]:
    """The databases a verify on a server restores into: each of the backup's under a name of its own."""
    token = token or secrets.token_hex(4)
    return {database: f"verify_{token}_{database}" for database in record.databases}


def verify_renamed(client: Client, destination: Destination, record: BackupRecord,
                   token: str | None = None) -> RestoreResult:
    """Restore the backup under other database names beside the live ones (a server), compare, drop them."""
    renamed = scratch_names(record, token)
    try:
        return _restore_and_compare(client, destination, record, renamed=renamed)
    finally:
        for database in renamed.values():
            client.command(f"DROP DATABASE IF EXISTS `{database}` SYNC")
