"""`parebrick backup`: back up, list, restore and verify the warehouse with ClickHouse's BACKUP / RESTORE.

Backups go where the target's configuration says (parebrick.backup.destinations); each good one has a
record (parebrick.backup.records) that `list` shows and `restore` and `verify` compare the tables with.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile

from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console
from rich.table import Table

from parebrick.commands.common import open_target, print_plain, root_cause

_TARGET_HELP = "dbt target of the parebrick profile (default: the profile's)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backup", help="back up, list, restore and verify the warehouse")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="back up every warehouse database and record it",
                                description="A full backup, or with --incremental only what changed since the "
                                            "newest good backup. It is good once its record is written.")
    create.add_argument("--incremental", action="store_true", help="add to the newest good backup")
    create.set_defaults(func=run_create)
    listing = actions.add_parser("list", help="the good backups, and any left incomplete")
    listing.set_defaults(func=run_list)
    restore = actions.add_parser("restore", help="restore a good backup (default: the newest) into the warehouse",
                                 description="Restores into a warehouse without the backup's tables (for example "
                                             "after removing it); --replace drops them first. Every table is "
                                             "then compared with the backup's record.")
    restore.add_argument("name", nargs="?", help="the backup (default: the newest good one)")
    restore.add_argument("--replace", action="store_true", help="drop the backup's databases first")
    restore.set_defaults(func=run_restore)
    verify = actions.add_parser("verify", help="restore a backup into a scratch warehouse and compare every table",
                                description="On the embedded target the scratch warehouse is a temporary directory, "
                                            "so the warehouse itself is not opened; on a server the databases are "
                                            "restored under scratch names and dropped after.")
    verify.add_argument("name", nargs="?", help="the backup (default: the newest good one)")
    verify.set_defaults(func=run_verify)
    for action in (create, listing, restore, verify):
        action.add_argument("--target", default=None, help=_TARGET_HELP)


def _console() -> Console:
    return Console(width=max(Console().width, 100))


def _size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def run_create(args: argparse.Namespace) -> int:
    from parebrick.backup.destinations import destination_of
    from parebrick.backup.operations import BackupError, create_backup
    from parebrick.backup.records import RecordError

    console = _console()
    opened = open_target(console, args.target)
    if opened is None:
        return 1
    target, client = opened
    destination = destination_of(target)
    try:
        record = create_backup(client, target.name, destination, incremental=args.incremental)
    except (BackupError, RecordError) as exc:
        print_plain(console, f"error: {exc}")
        return 1
    except ClickHouseError as exc:
        print_plain(console, f"error: the backup failed, nothing was recorded: {root_cause(exc)}")
        return 1
    finally:
        client.close()
    base = f" on top of {record.base}" if record.base else ""
    print_plain(console, f"backup {record.name} ({record.kind}{base}): {len(record.databases)} databases, "
                f"{len(record.tables)} tables, {record.rows:,} rows, {_size(record.size_bytes)} at "
                f"{record.destination}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from parebrick.backup.destinations import destination_of
    from parebrick.backup.records import RecordError, good_backups
    from parebrick.profile import ProfileError, load_target

    console = Console(width=max(Console().width, 150))
    try:
        destination = destination_of(load_target(args.target))
        records = good_backups(destination.records)
    except (ProfileError, RecordError) as exc:
        print_plain(console, f"error: {exc}")
        return 1
    if records:
        table = Table(title=f"good backups in {destination.records}", title_justify="left")
        for column in ("name", "kind", "base", "finished (UTC)", "size", "tables", "rows"):
            table.add_column(column, justify="right" if column in ("size", "tables", "rows") else "left", no_wrap=True)
        for record in records:
            table.add_row(record.name, record.kind, record.base or "", record.finished_at, _size(record.size_bytes),
                          str(len(record.tables)), f"{record.rows:,}")
        console.print(table)
    else:
        print_plain(console, f"no good backups recorded in {destination.records}")
    recorded = {record.name for record in records}
    for name in destination.leftovers():
        if name not in recorded:
            print_plain(console, f"incomplete: {name} has no record (interrupted or failed); never restored, "
                        "safe to delete")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from parebrick.backup.destinations import destination_of
    from parebrick.backup.operations import BackupError, restore_backup
    from parebrick.backup.records import RecordError, find_backup
    from parebrick.embedded import WarehouseBusyError
    from parebrick.profile import ProfileError, load_target
    from parebrick.warehouse import connect

    console = _console()
    try:
        target = load_target(args.target)
        destination = destination_of(target)
        record = find_backup(destination.records, args.name)
    except (ProfileError, RecordError) as exc:
        print_plain(console, f"error: {exc}")
        return 1
    try:
        client = connect(target)
    except WarehouseBusyError as exc:
        print_plain(console, f"error: cannot restore {record.name}: the warehouse at {exc.path} is open in another "
                    "process (dbt, a load, a notebook); stop it and run the restore again")
        return 1
    except (ClickHouseError, OSError) as exc:
        print_plain(console, f"error: cannot open the warehouse of target {target.name!r}: {root_cause(exc)}")
        return 1
    try:
        result = restore_backup(client, destination, record, replace=args.replace)
    except BackupError as exc:
        print_plain(console, f"error: {exc}")
        return 1
    except ClickHouseError as exc:
        print_plain(console, f"error: the restore of {record.name} failed: {root_cause(exc)}")
        return 1
    finally:
        client.close()
    return _report(console, "restored", result)


def run_verify(args: argparse.Namespace) -> int:
    from parebrick.backup.destinations import LocalFiles, destination_of
    from parebrick.backup.operations import BackupError, verify_in_scratch, verify_renamed
    from parebrick.backup.records import RecordError, find_backup
    from parebrick.embedded import open_client
    from parebrick.profile import ProfileError, load_target

    console = _console()
    try:
        target = load_target(args.target)
        destination = destination_of(target)
        record = find_backup(destination.records, args.name)
    except (ProfileError, RecordError) as exc:
        print_plain(console, f"error: {exc}")
        return 1
    scratch = tempfile.mkdtemp(prefix="parebrick-verify-") if isinstance(destination, LocalFiles) else None
    try:
        if scratch and isinstance(destination, LocalFiles):
            client = open_client(scratch, backups=destination.root)
        else:
            opened = open_target(console, target.name)
            if opened is None:
                return 1
            client = opened[1]
        try:
            result = (verify_in_scratch(client, destination, record) if scratch
                      else verify_renamed(client, destination, record))
        finally:
            client.close()
    except BackupError as exc:
        print_plain(console, f"error: {exc}")
        return 1
    except ClickHouseError as exc:
        print_plain(console, f"error: {record.name} does not restore: {root_cause(exc)}")
        return 1
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return _report(console, "verified", result)


def _report(console: Console, done: str, result) -> int:
    """One line when every table equals the record, else a line per difference and exit code 1."""
    record = result.record
    if result.mismatches:
        print_plain(console, f"error: {record.name}: {len(result.mismatches)} of {len(record.tables)} tables differ "
                    "from the backup's record:")
        for line in result.mismatches:
            print_plain(console, f"  {line}")
        return 1
    print_plain(console, f"{done} {record.name}: {len(record.tables)} tables, {record.rows:,} rows, each equal to the "
                "backup's record (rows and checksum)")
    return 0
