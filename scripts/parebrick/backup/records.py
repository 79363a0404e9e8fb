"""The record of a target's backups: one JSON file per backup, written only once the backup is whole.

A backup is good when its record exists. The record is written after `BACKUP` has finished and every table's
checksum was taken, under a temporary name renamed into place, so a process killed at any moment leaves
either no record (the backup is listed as incomplete, never as good) or a whole one. The records live beside
the backups (the embedded target) or in a directory of their own (a server's), never in the warehouse, so
they outlive it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from parebrick.backup.checksums import TableSum

_SUFFIX = ".backup.json"


class RecordError(RuntimeError):
    """A backup asked for has no record, or a record cannot be read."""


@dataclass(frozen=True)
class BackupRecord:
    """What one backup holds and how it was made."""

    name: str
    target: str
    destination: str
    started_at: str
    finished_at: str
    # The backup this one only adds to (an incremental backup), or None for a full one.
    base: str | None
    databases: list[str]
    size_bytes: int
    files: int
    engine_version: str
    parebrick_version: str
    tables: dict[str, TableSum] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "incremental" if self.base else "full"

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables.values())


def new_name(incremental: bool, now: dt.datetime | None = None) -> str:
    """A backup's name: its start in UTC (to the millisecond, so names sort by time) and its kind."""
    moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%f")[:-3]
    return f"{moment}Z-{'incremental' if incremental else 'full'}"


def record_path(directory: Path, name: str) -> Path:
    return directory / f"{name}{_SUFFIX}"


def write_record(directory: Path, record: BackupRecord) -> Path:
    """Write the record whole or not at all (a temporary file renamed into place)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = record_path(directory, record.name)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def read_record(path: Path) -> BackupRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["tables"] = {name: TableSum(**value) for name, value in data.get("tables", {}).items()}
        return BackupRecord(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise RecordError(f"cannot read the backup record {path}: {exc}") from None


def good_backups(directory: Path) -> list[BackupRecord]:
    """The recorded backups, oldest first."""
    if not directory.is_dir():
        return []
    return sorted((read_record(path) for path in directory.glob(f"*{_SUFFIX}")), key=lambda record: record.name)


def find_backup(directory: Path, name: str | None) -> BackupRecord:
    """The good backup `name`, or the newest one when `name` is None."""
    records = good_backups(directory)
    if name is None:
        if not records:
            raise RecordError(f"no good backup is recorded in {directory}: make one with `parebrick backup create`")
        return records[-1]
    for record in records:
        if record.name == name:
            return record
    raise RecordError(f"no good backup named {name!r} is recorded in {directory} (see `parebrick backup list`)")
