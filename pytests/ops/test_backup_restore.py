"""The restore drill on a built warehouse (the smart sample): back up, destroy, restore, every table equal;
an incremental backup after one more day restores to the newer state; a restore onto a warehouse in use is
refused in one line; `verify` restores into a scratch warehouse and catches a backup that no longer matches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backupkit import account, copy_of
from support import Warehouse

from parebrick.embedded import open_client

# One more day of the installations' reports: yesterday's, a day later (what the next delivery adds).
ONE_MORE_DAY = ("INSERT INTO raw.smart__sysinfo SELECT * REPLACE (reported_at + INTERVAL 1 DAY AS reported_at) "
                "FROM raw.smart__sysinfo WHERE toDate(reported_at) = (SELECT max(toDate(reported_at)) FROM "
                "raw.smart__sysinfo)")


def _good(copy) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(copy.backups.glob("*.backup.json"))]


def test_backup_destroy_restore_gives_back_every_table(smart_warehouse: Warehouse, tmp_path: Path):
    copy = copy_of(smart_warehouse.path, tmp_path)
    before = account(copy.path)
    created = copy.backup("create")
    assert created.returncode == 0, created.output
    [record] = _good(copy)
    assert record["base"] is None and record["size_bytes"] > 0 and record["finished_at"] >= record["started_at"]
    assert {"raw", "detail", "views", "raw_loader"} <= set(record["databases"])
    assert sum(table["rows"] for table in record["tables"].values()) > 0

    shutil.rmtree(copy.path)
    restored = copy.backup("restore")
    assert restored.returncode == 0, restored.output
    assert f"restored {record['name']}" in restored.output
    after = account(copy.path)
    assert sorted(after) == sorted(before), "the same relations"
    assert {name: after[name] for name in before if after[name] != before[name]} == {}, "every relation equal"
    assert any(engine == "View" and rows > 0 for engine, rows, _ in after.values()), "views read again"


def test_incremental_backup_after_one_more_day_restores_the_newer_state(smart_warehouse: Warehouse, tmp_path: Path):
    copy = copy_of(smart_warehouse.path, tmp_path)
    assert copy.backup("create").returncode == 0
    day_one = copy.scalar("SELECT count() FROM raw.smart__sysinfo")
    copy.execute(ONE_MORE_DAY)
    newer = account(copy.path)
    assert newer["raw.smart__sysinfo"][1] > day_one
    incremental = copy.backup("create", "--incremental")
    assert incremental.returncode == 0, incremental.output
    full, added = _good(copy)
    assert added["base"] == full["name"] and added["name"].endswith("-incremental")
    assert added["size_bytes"] < full["size_bytes"] / 2, "an incremental backup holds only what changed"

    shutil.rmtree(copy.path)
    assert copy.backup("restore").returncode == 0
    assert account(copy.path) == newer
    # The full backup alone still restores the older state (--replace drops what is there first).
    older = copy.backup("restore", full["name"], "--replace")
    assert older.returncode == 0, older.output
    assert copy.scalar("SELECT count() FROM raw.smart__sysinfo") == day_one


def test_restore_onto_a_warehouse_in_use_is_refused_in_one_line(smart_warehouse: Warehouse, tmp_path: Path):
    copy = copy_of(smart_warehouse.path, tmp_path)
    assert copy.backup("create").returncode == 0
    holder = open_client(copy.path)
    try:
        refused = copy.backup("restore", "--replace")
    finally:
        holder.close()
    assert refused.returncode == 1
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1, refused.output
    assert "open in another process" in lines[0] and "stop it and run the restore again" in lines[0]


def test_verify_restores_into_a_scratch_warehouse_and_finds_a_changed_backup(smart_warehouse: Warehouse,
                                                                          tmp_path: Path):
    copy = copy_of(smart_warehouse.path, tmp_path)
    assert copy.backup("create").returncode == 0
    holder = open_client(copy.path)
    try:
        # The warehouse itself is not opened: a verify runs while it is in use.
        verified = copy.backup("verify")
    finally:
        holder.close()
    assert verified.returncode == 0, verified.output
    assert "each equal to the backup's record" in verified.output

    [path] = copy.backups.glob("*.backup.json")
    record = json.loads(path.read_text())
    record["tables"]["raw.smart__sysinfo"]["rows"] += 1
    path.write_text(json.dumps(record))
    changed = copy.backup("verify")
    assert changed.returncode == 1
    assert "raw.smart__sysinfo: recorded" in changed.output and "1 of" in changed.output
