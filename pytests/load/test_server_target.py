"""Loading into a ClickHouse server: the files are parsed here and arrive exactly as a local load has them.

The server is the test ClickHouse server (a real engine behind the HTTP interface, in its own process; it
refuses to read the file system, as a server could not read this machine's inbox). The same generated inbox,
planted defects included, is loaded with `parebrick load` into the `local` target and into the `server`
target, and the two warehouses are compared table by table.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client
from support import ClickHouseServer, start_clickhouse_server, tool_env

from parebrick.embedded import open_client
from parebrick.load.edge import AtTheEdge
from parebrick.load.registry import file_tables
from parebrick.load.runner import load_inbox, prepare

BIN = Path(sys.executable).parent
# Differ between two loads of the same bytes by construction.
PER_LOAD = ("_batch_id", "_loaded_at")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ClickHouseServer]:
    started = start_clickhouse_server(tmp_path_factory.mktemp("server-data"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    done = subprocess.run([str(BIN / "parebrick"), "generate", "--out", str(out), "--days", "3",
                           "--calls-per-day", "300"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    inbox = out / "inbox"
    folder = inbox / "cms" / "uccx_contact_call_detail"
    first = max(folder.glob("*.csv"), key=lambda path: path.stat().st_size).read_text().splitlines(keepends=True)
    # A row the engine's parser cannot read (its rows after it are renumbered), and a file refused whole.
    broken = first[3].split(",", 2)
    (folder / "ContactCallDetail_unparsable_row.csv").write_text(
        "".join([*first[:3], ",".join([broken[0], "not-a-number", broken[2]]), *first[4:40]]))
    (folder / "ContactCallDetail_wrong_header.csv").write_text("session;seq\n1;0\n")
    return inbox


def parebrick_load(inbox: Path, target: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "parebrick"), "load", "--target", target, "--inbox", str(inbox), "--quiet"],
                          env=tool_env(env), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def loads(inbox, server, tmp_path_factory) -> dict[str, str]:
    local_dir = tmp_path_factory.mktemp("local-warehouse")
    outputs = {}
    for target, env in (("local", {"PAREBRICK_WAREHOUSE": str(local_dir)}), ("server", server.env)):
        done = parebrick_load(inbox, target, env)
        # The inbox holds a file that cannot be read at all, so the run ends with exit code 1.
        assert done.returncode == 1 and "rejected" in done.stdout, done.stdout + done.stderr
        outputs[target] = done.stdout
    outputs["local_dir"] = str(local_dir)
    return outputs


def snapshot(client: Client) -> dict[str, object]:
    """Everything a load leaves in raw, with what differs between two loads of the same bytes left out."""
    out: dict[str, object] = {}
    for table in file_tables():
        out[table.raw_name] = client.query(
            f"SELECT count(), sum(cityHash64(tuple(*))) FROM (SELECT * EXCEPT ({', '.join(PER_LOAD)}) "
            f"FROM raw.`{table.raw_name}`)").result_rows
    out["quarantine"] = client.query(
        "SELECT table_name, source, source_row, reason, raw_text FROM raw.load_rejected_rows "
        "ORDER BY table_name, source, source_row").result_rows
    out["batch log"] = client.query(
        "SELECT table_name, source, status, rows_read, rows_loaded, rows_rejected, reason FROM raw.load_batches "
        "ORDER BY table_name, source, status").result_rows
    return out


def test_a_server_holds_exactly_what_a_local_load_holds(loads, server):
    local = open_client(loads["local_dir"])
    try:
        expected = snapshot(local)
    finally:
        local.close()
    remote = server.client()
    actual = snapshot(remote)
    assert sum(rows[0][0] for name, rows in expected.items() if name not in ("quarantine", "batch log")) > 10_000
    assert expected["quarantine"], "the generated inbox plants rows to quarantine"
    for name in expected:
        assert actual[name] == expected[name], name
    assert loads["server"].splitlines()[-1] == loads["local"].splitlines()[-1]


def test_loading_the_inbox_into_the_server_again_changes_nothing(loads, server, inbox):
    remote = server.client()
    before = snapshot(remote)
    again = parebrick_load(inbox, "server", server.env)
    assert "0 loaded" in again.stdout.splitlines()[-1], again.stdout
    assert snapshot(remote) == before


def test_an_unreachable_server_is_one_line_and_exit_code_1(inbox, tmp_path):
    done = parebrick_load(inbox, "server", {"CLICKHOUSE_HOST": "127.0.0.1", "CLICKHOUSE_PORT": "9"})
    assert done.returncode == 1
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert lines == ["error: cannot open the warehouse of target 'server' at 127.0.0.1:9: "
                     "[Errno 111] Connection refused"], lines


def test_the_test_server_cannot_read_files(server):
    remote = server.client()
    with pytest.raises(Exception, match="FUNCTION_NOT_ALLOWED"):
        remote.query("SELECT * FROM file('/etc/hostname', 'LineAsString')")


def test_a_send_the_server_refuses_fails_the_batch_and_leaves_the_scratch_usable(server, tmp_path):
    """The rows are parsed at the edge, the server refuses them: the file fails (to be loaded by the next
    run), nothing of it stays on the server, and the scratch warehouse goes on to load the next file."""
    remote = server.client()
    scratch = open_client(tmp_path / "scratch")
    try:
        edge = AtTheEdge(scratch)
        inbox = tmp_path / "inbox"
        folder = inbox / "brm" / "payments"
        folder.mkdir(parents=True)
        (folder / "a.csv").write_text("payment_id,account_id,paid_at,amount_rub,method\n"
                                      "9001,1,2025-01-02 10:00:00,10.50,card\n")
        prepare(remote)
        remote.command("ALTER TABLE raw.brm__payments ADD CONSTRAINT refuse_9001 CHECK payment_id != '9001'")
        try:
            refused = load_inbox(remote, inbox, only={"brm.payments"}, exclusive=False, loader=edge)
        finally:
            remote.command("ALTER TABLE raw.brm__payments DROP CONSTRAINT refuse_9001")
        (outcome,) = refused.outcomes
        assert outcome.status == "failed" and "refuse_9001" in outcome.reason, outcome
        assert remote.query("SELECT count() FROM raw.brm__payments WHERE payment_id = '9001'").result_rows == [(0,)]
        again = load_inbox(remote, inbox, only={"brm.payments"}, exclusive=False, loader=edge)
        assert [(o.status, o.rows_loaded) for o in again.outcomes] == [("loaded", 1)]
        assert remote.query("SELECT count() FROM raw.brm__payments WHERE payment_id = '9001'").result_rows == [(1,)]
    finally:
        scratch.close()
