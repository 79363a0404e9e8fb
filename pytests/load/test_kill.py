"""A load killed with SIGKILL in the middle of a file leaves nothing visible; the next run cleans up and loads it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from parebrick.embedded import open_client
from parebrick.load.bench import write_call_detail

BIN = Path(sys.executable).parent
ROWS = 400_000


def _run_load(inbox: Path, warehouse: Path, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "PAREBRICK_WAREHOUSE": str(warehouse), "TMPDIR": str(tmp), "NO_COLOR": "1"}
    return subprocess.Popen([str(BIN / "parebrick"), "load", "--inbox", str(inbox), "--quiet"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_sigkill_mid_file_then_rerun_gives_exact_counts(tmp_path):
    inbox = tmp_path / "inbox"
    folder = inbox / "cms" / "uccx_contact_call_detail"
    folder.mkdir(parents=True)
    write_call_detail(folder / "a_small.csv", 1_000, seed=1)
    write_call_detail(folder / "b_big.csv", ROWS, seed=2)
    warehouse, scratch = tmp_path / "warehouse", tmp_path / "scratch"
    scratch.mkdir()

    proc = _run_load(inbox, warehouse, scratch)
    deadline = time.monotonic() + 120
    # The loader links the file it is loading into a scratch directory while the engine reads it.
    while not any(scratch.glob("parebrick-load-*/extract.csv")) or not _big_in_flight(scratch):
        assert proc.poll() is None, "the load finished before it could be interrupted: " + (proc.stdout.read() or "")
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    client = open_client(warehouse)
    try:
        visible = client.query("SELECT source FROM raw.committed_batches").result_rows
        assert visible == [("cms/uccx_contact_call_detail/a_small.csv",)], "the killed batch is not visible"
    finally:
        client.close()

    rerun = _run_load(inbox, warehouse, scratch)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert "cleaned up interrupted batch" in output

    client = open_client(warehouse)
    try:
        q = lambda sql: client.query(sql).result_rows  # noqa: E731
        assert q("SELECT count() FROM raw.cms__uccx_contact_call_detail")[0][0] == ROWS + 1_000
        assert q("SELECT count() FROM raw.cms__uccx_contact_call_detail WHERE _batch_id IN "
                 "(SELECT batch_id FROM raw.committed_batches)")[0][0] == ROWS + 1_000
        assert q("SELECT source, rows_loaded FROM raw.committed_batches ORDER BY source") == [
            ("cms/uccx_contact_call_detail/a_small.csv", 1_000), ("cms/uccx_contact_call_detail/b_big.csv", ROWS)]
        assert q("SELECT source FROM raw.load_batches WHERE status = 'aborted'") == [
            ("cms/uccx_contact_call_detail/b_big.csv",)]
        assert q("SELECT uniqExact(_source_row), max(_source_row) FROM raw.cms__uccx_contact_call_detail "
                 "WHERE _source LIKE '%b_big.csv'") == [(ROWS, ROWS)]
    finally:
        client.close()


def _big_in_flight(scratch: Path) -> bool:
    return any(link.resolve().name == "b_big.csv" for link in scratch.glob("parebrick-load-*/extract.csv"))


def test_a_busy_warehouse_gets_one_clear_line(tmp_path):
    (tmp_path / "inbox").mkdir()
    holder = open_client(tmp_path / "warehouse")
    try:
        env = {**os.environ, "PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse"), "NO_COLOR": "1"}
        done = subprocess.run([str(BIN / "parebrick"), "load", "--inbox", str(tmp_path / "inbox")], env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        holder.close()
    assert done.returncode == 1
    assert "in use by another process" in done.stdout and "Traceback" not in done.stdout + done.stderr
