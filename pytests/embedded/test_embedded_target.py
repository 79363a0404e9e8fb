"""The embedded target: dbt-clickhouse's materializations, snapshots and tests on chDB.

A small project (./project) is built twice in a throwaway warehouse: first with delivery 1 of its seed,
then with delivery 2, so every incremental strategy and both snapshot strategies have something to do.
Expected rows are derived here from the seed CSV, independently of the models' SQL.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from support import run_tool

from parebrick.embedded import open_client

PROJECT = Path(__file__).parent / "project"


def seed_rows() -> list[dict[str, str]]:
    with open(PROJECT / "seeds" / "calls.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def latest_by_call(max_batch: int) -> dict[int, dict[str, str]]:
    latest: dict[int, dict[str, str]] = {}
    for row in seed_rows():
        if int(row["batch"]) <= max_batch:
            current = latest.get(int(row["call_id"]))
            if current is None or int(row["batch"]) > int(current["batch"]):
                latest[int(row["call_id"])] = row
    return latest


def query(path: Path, sql: str) -> list[tuple]:
    client = open_client(path)
    try:
        return client.query(sql).result_rows
    finally:
        client.close()


class Built:
    """The project after both deliveries, and what was observed between them."""

    def __init__(self, root: Path):
        self.root = root
        self.warehouse = root / "warehouse"
        self.env = {"PAREBRICK_WAREHOUSE": str(self.warehouse)}
        self.outputs: dict[str, str] = {}
        self.parts_after_first: dict[str, set[str]] = {}

    def dbt(self, *args: str):
        return run_tool(["dbt", *args, "--profiles-dir", str(self.root)], cwd=self.root, env=self.env)

    def parts(self) -> dict[str, set[str]]:
        by_partition: dict[str, set[str]] = defaultdict(set)
        for partition, name in query(self.warehouse, (
            "SELECT partition, name FROM system.parts WHERE active "
            "AND database = 'default_models' AND table = 'calls_insert_overwrite'"
        )):
            by_partition[partition].add(name)
        return dict(by_partition)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("embedded") / "project"
    shutil.copytree(PROJECT, root)
    state = Built(root)
    for batch in (1, 2):
        result = state.dbt("build", "--vars", f"{{batch: {batch}}}")
        state.outputs[f"build{batch}"] = result.output
        assert result.returncode == 0, result.output[-4000:]
        if batch == 1:
            state.parts_after_first = state.parts()
    return state


def test_seed_columns_have_the_declared_types(built):
    types = dict(query(built.warehouse, (
        "SELECT name, type FROM system.columns WHERE database = 'default_seeds' AND table = 'calls'"
    )))
    assert types == {
        "call_id": "UInt32", "batch": "UInt8", "started_at": "DateTime('UTC')",
        "queue": "LowCardinality(String)", "talk_sec": "Nullable(UInt32)", "amount_rub": "Decimal(12, 2)",
    }


def test_view_and_table_reflect_the_latest_delivery(built):
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in latest_by_call(2).values():
        expected[row["queue"]][0] += 1
        expected[row["queue"]][1] += int(row["talk_sec"] or 0)
    rows = query(built.warehouse, "SELECT queue, calls, talk_sec FROM default_models.calls_by_queue")
    assert {queue: [calls, talk] for queue, calls, talk in rows} == dict(expected)
    engines = dict(query(built.warehouse, (
        "SELECT name, engine FROM system.tables WHERE database = 'default_models'"
    )))
    assert engines["stg_calls"] == "View"
    assert engines["calls_by_queue"] == "MergeTree"


def test_delete_insert_replaces_rows_by_key(built):
    rows = query(built.warehouse, "SELECT call_id, queue, batch FROM default_models.calls_delete_insert")
    expected = {(call, row["queue"], int(row["batch"])) for call, row in latest_by_call(2).items()}
    assert sorted(rows) == sorted(expected)


def test_insert_overwrite_rewrites_only_the_selected_partitions(built):
    rows = query(built.warehouse, "SELECT call_id, queue FROM default_models.calls_insert_overwrite")
    assert sorted(rows) == sorted((call, row["queue"]) for call, row in latest_by_call(2).items())
    months_of_second = {row["started_at"][:7].replace("-", "") for row in seed_rows() if row["batch"] == "2"}
    after = built.parts()
    untouched = set(built.parts_after_first) - months_of_second
    assert untouched, "the data must leave at least one month untouched by delivery 2"
    for partition in untouched:
        assert after[partition] == built.parts_after_first[partition], f"partition {partition} was rewritten"
    for partition in months_of_second & set(built.parts_after_first):
        assert after[partition] != built.parts_after_first[partition], f"partition {partition} was not rewritten"


def test_append_keeps_every_delivery(built):
    rows = query(built.warehouse, "SELECT call_id, queue, batch FROM default_models.calls_append")
    assert sorted(rows) == sorted((int(r["call_id"]), r["queue"], int(r["batch"])) for r in seed_rows())


@pytest.mark.parametrize("snapshot", ["calls_check_snapshot", "calls_timestamp_snapshot"])
def test_snapshots_keep_history(built, snapshot):
    rows = query(built.warehouse, (
        f"SELECT call_id, queue, dbt_valid_to IS NULL FROM default_snapshots.{snapshot} "
        "ORDER BY call_id, dbt_valid_from"
    ))
    versions: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for call, queue, current in rows:
        versions[call].append((queue, current))
    first, second = latest_by_call(1), latest_by_call(2)
    for call, row in second.items():
        assert versions[call][-1] == (row["queue"], True), call
        assert sum(current for _, current in versions[call]) == 1, call
    changed_queue = [c for c in first if first[c]["queue"] != second[c]["queue"]]
    assert changed_queue and all(versions[c][0] == (first[c]["queue"], False) for c in changed_queue)
    if snapshot == "calls_check_snapshot":
        changed_talk = [c for c in first if first[c]["talk_sec"] != second[c]["talk_sec"]]
        assert changed_talk and all(len(versions[c]) == 2 for c in changed_talk)


def test_data_tests_and_unit_tests_ran_and_passed(built):
    results = json.loads((built.root / "target" / "run_results.json").read_text())["results"]
    kinds = defaultdict(list)
    for result in results:
        kinds[result["unique_id"].split(".")[0]].append(result["status"])
    assert kinds["unit_test"] == ["pass"]
    assert len(kinds["test"]) == 4 and set(kinds["test"]) == {"pass"}
    assert set(kinds["model"]) == {"success"} and set(kinds["snapshot"]) == {"success"}


def test_enforced_contract_holds_and_a_broken_one_fails(built):
    types = dict(query(built.warehouse, (
        "SELECT name, type FROM system.columns WHERE database = 'default_models' AND table = 'calls_contracted'"
    )))
    assert types == {"call_id": "UInt32", "queue": "String", "amount_rub": "Decimal(18, 2)"}
    broken = built.dbt("run", "--select", "calls_contract_broken", "--vars", "{batch: 2, break_contract: true}")
    assert broken.returncode != 0
    assert "contract" in broken.output.lower() and "queue" in broken.output


def test_docs_generate_writes_a_catalog_of_the_warehouse(built):
    result = built.dbt("docs", "generate", "--vars", "{batch: 2}")
    assert result.returncode == 0, result.output[-3000:]
    catalog = json.loads((built.root / "target" / "catalog.json").read_text())
    node = catalog["nodes"]["model.embedded_check.calls_contracted"]
    assert set(node["columns"]) == {"call_id", "queue", "amount_rub"}
    assert "seed.embedded_check.calls" in catalog["nodes"]


def test_a_second_process_gets_one_clear_line(built):
    holder = open_client(built.warehouse)
    try:
        result = built.dbt("run", "--select", "stg_calls", "--vars", "{batch: 2}")
    finally:
        holder.close()
    assert result.returncode != 0
    lines = [line for line in result.output.splitlines() if "in use by another process" in line]
    assert len(lines) == 1, result.output
    assert str(built.warehouse.resolve()) in lines[0]
    assert "one process at a time" in lines[0] and "server" in lines[0]
    assert "Traceback" not in result.output and "DB::Exception" not in result.output


def test_the_columns_of_a_query_are_learnt_without_running_it(tmp_path):
    """dbt asks for a model's columns before each incremental run: the engine's analysis answers, nothing runs."""
    from dbt.adapters.chdb.client import ChdbClient
    from dbt.adapters.chdb.credentials import ChdbCredentials

    client = ChdbClient(ChdbCredentials(path=str(tmp_path / "warehouse"), schema="default"))
    try:
        client.command("create table default.calls (x UInt8, y String) engine = MergeTree order by x")
        client.command("insert into default.calls values (1, 'a')")
        # Running this query builds its IN set for the primary key (as the contacts' incremental run does),
        # and building this one throws.
        sql = ("select x, y, toDateTime64(0, 3, 'UTC') as z from default.calls "
               "where x in (select throwIf(1))")
        columns = client.columns_in_query(sql)
        assert [(c.name, c.data_type) for c in columns] == [
            ("x", "UInt8"), ("y", "String"), ("z", "DateTime64(3, 'UTC')")]
    finally:
        client.close()
