"""The SQL of backups on a server (its backup disk or an S3 prefix, never a path of the client), the
destinations read from the environment, and the record written whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from parebrick.backup.checksums import TableSum, differences
from parebrick.backup.destinations import LocalFiles, ServerDisk, ServerS3, destination_of
from parebrick.backup.operations import backup_statement, restore_statement, scratch_names
from parebrick.backup.records import BackupRecord, RecordError, find_backup, good_backups, new_name, write_record
from parebrick.profile import load_target

REPO = Path(__file__).resolve().parents[2]


def _record(name: str, base: str | None = None) -> BackupRecord:
    return BackupRecord(name=name, target="server", destination="x", started_at="s", finished_at="f", base=base,
                        databases=["raw", "views"], size_bytes=10, files=2, engine_version="26.9",
                        parebrick_version="0", tables={"raw.calls": TableSum(3, 42)})


def test_server_backup_goes_to_its_backup_disk_by_name(monkeypatch, tmp_path):
    monkeypatch.delenv("PAREBRICK_BACKUP_S3_URL", raising=False)
    monkeypatch.setenv("PAREBRICK_BACKUP_DISK", "nightly")
    monkeypatch.setenv("PAREBRICK_BACKUP_RECORDS", str(tmp_path / "records"))
    destination = destination_of(load_target("server", REPO / "profiles.example.yml"))
    assert destination == ServerDisk("nightly", tmp_path / "records")
    assert backup_statement(["raw", "views"], destination, "b2", "b1") == (
        "BACKUP DATABASE `raw`, DATABASE `views` TO Disk('nightly', 'b2') SETTINGS base_backup = Disk('nightly', 'b1')")
    assert restore_statement(["raw"], destination, "b2") == "RESTORE DATABASE `raw` FROM Disk('nightly', 'b2')"


def test_server_backup_to_s3_keeps_its_keys_out_of_what_is_shown(monkeypatch, tmp_path):
    monkeypatch.setenv("PAREBRICK_BACKUP_S3_URL", "https://bucket.example/dw/")
    monkeypatch.setenv("PAREBRICK_BACKUP_S3_ACCESS_KEY_ID", "AKID")
    monkeypatch.setenv("PAREBRICK_BACKUP_S3_SECRET_ACCESS_KEY", "s3cr'et")
    destination = destination_of(load_target("server", REPO / "profiles.example.yml"))
    assert isinstance(destination, ServerS3)
    assert destination.sql("b1") == "S3('https://bucket.example/dw/b1', 'AKID', 's3cr\\'et')"
    assert "AKID" not in destination.shown("b1") and "s3cr" not in destination.shown("b1")
    without_keys = ServerS3("https://bucket.example/dw", tmp_path)
    assert without_keys.sql("b1") == "S3('https://bucket.example/dw/b1')"


def test_local_target_backs_up_beside_the_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("PAREBRICK_WAREHOUSE", str(tmp_path / "dw"))
    monkeypatch.delenv("PAREBRICK_BACKUPS", raising=False)
    destination = destination_of(load_target("local", REPO / "profiles.example.yml"))
    assert destination == LocalFiles(tmp_path / "dw-backups")
    assert destination.sql("b1") == f"File('{tmp_path / 'dw-backups' / 'b1'}')"
    monkeypatch.setenv("PAREBRICK_BACKUPS", str(tmp_path / "elsewhere"))
    assert destination_of(load_target("local", REPO / "profiles.example.yml")) == LocalFiles(tmp_path / "elsewhere")


def test_a_verify_on_a_server_restores_under_scratch_names():
    renamed = scratch_names(_record("b1"), token="ab12")
    assert renamed == {"raw": "verify_ab12_raw", "views": "verify_ab12_views"}
    assert restore_statement(["raw", "views"], ServerDisk("backups", Path(".")), "b1", renamed) == (
        "RESTORE DATABASE `raw` AS `verify_ab12_raw`, DATABASE `views` AS `verify_ab12_views` "
        "FROM Disk('backups', 'b1')")


def test_a_record_is_whole_or_absent_and_the_newest_is_found(tmp_path):
    write_record(tmp_path, _record("20250101T000000000Z-full"))
    write_record(tmp_path, _record("20250102T000000000Z-incremental", base="20250101T000000000Z-full"))
    # What a process killed while writing a record leaves: not a record.
    (tmp_path / "20250103T000000000Z-full.backup.json.partial").write_text("{")
    assert [record.name for record in good_backups(tmp_path)] == ["20250101T000000000Z-full",
                                                                  "20250102T000000000Z-incremental"]
    newest = find_backup(tmp_path, None)
    assert newest.base == "20250101T000000000Z-full" and newest.tables == {"raw.calls": TableSum(3, 42)}
    assert json.loads((tmp_path / "20250101T000000000Z-full.backup.json").read_text())["tables"]["raw.calls"] == {
        "rows": 3, "checksum": 42}
    with pytest.raises(RecordError, match="no good backup named 'nope'"):
        find_backup(tmp_path, "nope")
    with pytest.raises(RecordError, match="no good backup is recorded"):
        find_backup(tmp_path / "empty", None)


def test_names_sort_by_time_and_say_their_kind():
    first = new_name(False, dt.datetime(2025, 1, 1, 23, 59, 59, 999000, tzinfo=dt.UTC))
    second = new_name(True, dt.datetime(2025, 1, 2, 0, 0, 0, 0, tzinfo=dt.UTC))
    assert first == "20250101T235959999Z-full" and second == "20250102T000000000Z-incremental"
    assert sorted([second, first]) == [first, second]


def test_differences_name_each_table_that_does_not_match():
    recorded = {"a.t": TableSum(1, 5), "a.u": TableSum(2, 6), "a.v": TableSum(0, 0)}
    found = {"a.t": TableSum(1, 5), "a.u": TableSum(2, 7), "a.w": TableSum(1, 1)}
    assert differences(recorded, found) == [
        "a.u: recorded 2 rows (checksum 6), restored 2 rows (checksum 7)",
        "a.v: in the record, missing after the restore",
        "a.w: restored, not in the record",
    ]
