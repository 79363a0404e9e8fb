"""The JSON-lines and blocks readers at the edge: the scratch parses, the server receives Native rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from support import ClickHouseServer, start_clickhouse_server
from test_readers_blocks import NO_PING, PING, REGISTRY
from test_readers_jsonl import SYSINFO, line, report

from parebrick.embedded import open_client
from parebrick.load.edge import AtTheEdge
from parebrick.load.runner import load_inbox


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ClickHouseServer]:
    started = start_clickhouse_server(tmp_path_factory.mktemp("server-data"))
    yield started
    started.stop()


def test_new_readers_load_a_server_through_the_edge(server, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "test" / "sysinfo").mkdir(parents=True)
    (inbox / "test" / "registry").mkdir(parents=True)
    (inbox / "test" / "sysinfo" / "r.jsonl").write_text(
        line(report(extra_field=[1])) + "\n\nnot json\n" + line(report("beta")) + "\n", encoding="utf-8")
    (inbox / "test" / "registry" / "kodeks_manager_01022025.csv").write_text(
        f"h:1;Иванов;ivanov@kodeks.ru;https;{PING};-1;alpha\n\nСидоров;s@kodeks.ru;{NO_PING};0;delta\n"
        f"Сидоров;s@kodeks.ru;{NO_PING};x;eps\n", encoding="utf-8")
    (inbox / "test" / "registry" / "kodeks_manager_02022025.csv").write_text(
        f"Сидоров;s@kodeks.ru;{NO_PING};0;delta\nh:1;Иванов;ivanov@kodeks.ru;https;{PING};-1;alpha\n",
        encoding="utf-8")
    remote = server.client()
    scratch = open_client(tmp_path / "scratch")
    try:
        result = load_inbox(remote, inbox, exclusive=False, loader=AtTheEdge(scratch), tables=[SYSINFO, REGISTRY])
    finally:
        scratch.close()
    outcomes = {o.source: (o.status, o.rows_loaded, o.rows_rejected) for o in result.outcomes}
    assert outcomes == {"test/sysinfo/r.jsonl": ("loaded", 2, 1),
                        "test/registry/kodeks_manager_01022025.csv": ("loaded", 2, 1),
                        "test/registry/kodeks_manager_02022025.csv": ("rejected", 0, 0)}
    assert remote.query("SELECT _source_row, client, _extra FROM raw.test__sysinfo ORDER BY _source_row").result_rows \
        == [(1, "alpha", {"extra_field": "[1]"}), (4, "beta", {})]
    assert remote.query("SELECT _source_row, cabinet, version_date, layout, client FROM raw.test__registry "
                        "ORDER BY _source_row").result_rows == [
        (1, "kodeks", date(2025, 2, 1), "internet", "alpha"),
        (3, "kodeks", date(2025, 2, 1), "local", "delta")]
    assert remote.query("SELECT table_name, source_row, reason FROM raw.load_rejected_rows "
                        "ORDER BY table_name").result_rows == [
        ("test__registry", 4, "column tz_correction: not a number: x"), ("test__sysinfo", 3, "not valid JSON")]
