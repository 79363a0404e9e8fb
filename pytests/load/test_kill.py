"""A load killed with SIGKILL in the middle of a file leaves nothing visible; the next run cleans up and loads it.

On the embedded warehouse, and on a ClickHouse server (the test server, see clickhouse_http.py), where the
loader's own process is gone and another run on the same host finds it so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client
from support import start_clickhouse_server, tool_env

from parebrick.embedded import open_client
from parebrick.load.bench import write_call_detail

BIN = Path(sys.executable).parent
ROWS = 400_000


def _run_load(inbox: Path, target: str, env: dict[str, str], tmp: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "parebrick"), "load", "--target", target, "--inbox", str(inbox), "--quiet"],
                            env=tool_env({"TMPDIR": str(tmp), **env}), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


Warehouse = tuple[str, dict[str, str], Callable[[], Client]]


@pytest.fixture(params=["local", "server"])
def warehouse(request, tmp_path) -> Iterator[Warehouse]:
    """(target, its environment, a way to open a client on it) of an empty warehouse."""
    if request.param == "local":
        path = tmp_path / "warehouse"
        yield "local", {"PAREBRICK_WAREHOUSE": str(path)}, lambda: open_client(path)
        return
    server = start_clickhouse_server(tmp_path / "server-data")
    try:
        yield "server", server.env, server.client
    finally:
        server.stop()


@contextmanager
def _opened(open_: Callable[[], Client]) -> Iterator[Client]:
    client = open_()
    try:
        yield client
    finally:
        client.close()


def test_sigkill_mid_file_then_rerun_gives_exact_counts(tmp_path, warehouse):
    target, env, open_warehouse = warehouse
    inbox = tmp_path / "inbox"
    folder = inbox / "cms" / "uccx_contact_call_detail"
    folder.mkdir(parents=True)
    write_call_detail(folder / "a_small.csv", 1_000, seed=1)
    write_call_detail(folder / "b_big.csv", ROWS, seed=2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    proc = _run_load(inbox, target, env, scratch)
    deadline = time.monotonic() + 120
    while not _big_in_flight(scratch, proc.pid, folder / "b_big.csv"):
        assert proc.poll() is None, "the load finished before it could be interrupted: " + (proc.stdout.read() or "")
        assert time.monotonic() < deadline
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with _opened(open_warehouse) as client:
        visible = client.query("SELECT source FROM raw.committed_batches").result_rows
        assert visible == [("cms/uccx_contact_call_detail/a_small.csv",)], "the killed batch is not visible"

    rerun = _run_load(inbox, target, env, scratch)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert "cleaned up interrupted batch" in output

    with _opened(open_warehouse) as client:
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


def _big_in_flight(scratch: Path, pid: int, big: Path) -> bool:
    """Whether the loader is in the middle of the big file: its work directory (made per file, after the
    batch is recorded as started) exists, and one of its descriptors on the big file is past the start
    and short of the end (the engine's feed, or the identity pass beside it)."""
    if not any(scratch.glob("parebrick-load-*")):
        return False
    size = big.stat().st_size
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) != str(big):
                continue
            position = int(Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # a descriptor closed while it was being looked at
        if 0 < position < size:
            return True
    return False


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
