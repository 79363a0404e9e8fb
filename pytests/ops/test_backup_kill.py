"""A backup killed with SIGKILL while BACKUP is writing is never listed as good, and a restore takes the newest
good one instead."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from backupkit import copy_of
from support import REPO, Warehouse, tool_env

BIN = Path(sys.executable).parent
# Rows of random text (they do not compress) so that BACKUP is still writing when the test sees it begin.
BULK = ("CREATE TABLE raw.backup_bulk ENGINE = MergeTree ORDER BY n AS "
        "SELECT number AS n, randomPrintableASCII(200) AS text FROM numbers(600000)")


def test_a_backup_killed_midway_is_never_listed_as_good(smart_warehouse: Warehouse, tmp_path: Path):
    copy = copy_of(smart_warehouse.path, tmp_path)
    assert copy.backup("create").returncode == 0
    [good] = [json.loads(path.read_text()) for path in copy.backups.glob("*.backup.json")]
    copy.execute(BULK)
    known = set(os.listdir(copy.backups))
    process = subprocess.Popen([str(BIN / "parebrick"), "backup", "create", "--incremental"], cwd=REPO,
                               env=tool_env(copy.env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        started: set[str] = set()
        while not started and process.poll() is None and time.monotonic() < deadline:
            started = set(os.listdir(copy.backups)) - known
            time.sleep(0.002)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "killed before it finished"
    [interrupted] = started
    assert not (copy.backups / interrupted / ".backup").exists(), "killed while BACKUP was writing"

    listed = copy.backup("list")
    assert listed.returncode == 0
    good_lines = [line for line in listed.output.splitlines() if interrupted in line and "incomplete" not in line]
    assert good_lines == [], listed.output
    assert f"incomplete: {interrupted} has no record" in listed.output
    assert good["name"] in listed.output

    copy.execute("DROP TABLE raw.backup_bulk SYNC")
    restored = copy.backup("restore", "--replace")
    assert restored.returncode == 0, restored.output
    assert f"restored {good['name']}" in restored.output
    assert copy.scalar("SELECT count() FROM system.tables WHERE database = 'raw' AND name = 'backup_bulk'") == 0
