"""Every backup a release of the project wrote (release_backups/, see make_release_backup.py there) still
restores with this one: its tables equal its record, and the restored loader path files new rows.

When a pin moves, this is what proves the backups taken before the move can still be restored after it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import REPO, run_tool

from parebrick.embedded import open_client

RELEASES = Path(__file__).resolve().parent / "release_backups"
ARCHIVES = sorted(path.name for path in RELEASES.glob("*.tar"))


def test_there_is_a_release_backup_with_its_record():
    assert ARCHIVES, "release_backups/ holds the backup of at least one release"
    for name in ARCHIVES:
        assert (RELEASES / f"{name}.backup.json").is_file(), f"{name} has its record"


@pytest.mark.parametrize("name", ARCHIVES)
def test_a_release_backup_verifies_and_restores(name: str, tmp_path: Path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for path in (RELEASES / name, RELEASES / f"{name}.backup.json"):
        shutil.copy(path, backups / path.name)
    env = {"PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse"), "PAREBRICK_BACKUPS": str(backups)}

    verified = run_tool(["parebrick", "backup", "verify", name], cwd=REPO, env=env)
    assert verified.returncode == 0, verified.output
    assert f"verified {name}" in verified.output
    restored = run_tool(["parebrick", "backup", "restore", name], cwd=REPO, env=env)
    assert restored.returncode == 0, restored.output

    client = open_client(tmp_path / "warehouse", backups=backups)
    try:
        before = client.query("SELECT count() FROM raw.calls").result_rows[0][0]
        client.command("INSERT INTO raw_loader.calls__landing SELECT * FROM raw.calls LIMIT 10")
        assert client.query("SELECT count() FROM raw.calls").result_rows[0][0] == before + 10
        assert client.query("SELECT count() FROM views.v_agents").result_rows[0][0] > 0
    finally:
        client.close()
