"""Opening the embedded engine from several threads at once, as dbt does with `threads: 4`."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_threads_opening_a_relative_warehouse_path_all_reach_the_same_warehouse(tmp_path):
    """A fresh process, four threads, `.warehouse` relative to the working directory: one engine, one path.

    Importing chdb moves the working directory for a moment; were it imported by the first thread to open
    the engine, another thread would resolve `.warehouse` inside the chdb package and fail to connect.
    """
    code = textwrap.dedent("""
        import os, sys, threading
        from parebrick.embedded import open_client
        assert "chdb" in sys.modules, "chdb must be imported with parebrick.embedded"
        failures, clients = [], []
        def open_one():
            try:
                clients.append(open_client(".warehouse"))
            except Exception as exc:
                failures.append(str(exc))
        threads = [threading.Thread(target=open_one) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        clients[0].command("CREATE TABLE default.opened (x UInt8) ENGINE = MergeTree ORDER BY x")
        assert all(c.command("EXISTS TABLE default.opened") == 1 for c in clients)
        for client in clients:
            client.close()
        print(os.path.isdir(".warehouse"))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "True"
