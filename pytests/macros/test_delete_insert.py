"""The project's delete+insert (macros/incremental/delete_insert.sql): the bounded delete replaces exactly
the rows the key matches, and a build's uniqueness test looks for a key's rows within the same bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import run_tool

from parebrick.embedded import open_client

MODELS = ("--select", "path:models/delete_insert")


@pytest.fixture(scope="module")
def rebuilt(macro_project) -> tuple[Path, dict[str, dict]]:
    """Version 1 built in full, a row planted against ranged_rows' declaration, then version 2's build."""
    root, env = macro_project("delete_insert")

    def dbt(*args: str):
        result = run_tool(["dbt", *args, "--profiles-dir", str(root), *MODELS], cwd=root, env=env)
        assert "Compilation Error" not in result.output and "Database Error" not in result.output, \
            result.output[-3000:]
        return result

    assert dbt("run").returncode == 0
    # id 1's key on a day its started_at does not allow: the bound declares that no such row exists, so
    # neither the delete nor the build's uniqueness test looks there (`dbt test` does)
    client = open_client(root / "warehouse")
    client.command("INSERT INTO ranged_rows SELECT id, started_at, toDate('2025-05-05'), 0, build_id "
                   "FROM ranged_rows WHERE id = 1")
    client.close()
    dbt("build", "--vars", "{version: 2}")
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    return root, {r["unique_id"].split(".")[2]: r for r in results}


def rows(root: Path, query: str) -> list[tuple]:
    client = open_client(root / "warehouse")
    try:
        return client.query(query).result_rows
    finally:
        client.close()


def test_a_key_whose_day_moved_is_replaced_wherever_its_old_row_was(rebuilt):
    root, _ = rebuilt
    assert rows(root, "SELECT id, toString(day), version FROM moved_rows ORDER BY id") == [
        (1, "2025-03-01", 2), (2, "2025-01-11", 2), (3, "2025-01-12", 1), (4, "2025-03-02", 2)]


def test_the_range_form_replaces_the_rows_within_its_bound_only(rebuilt):
    root, _ = rebuilt
    assert rows(root, "SELECT id, toString(day), version FROM ranged_rows ORDER BY id, day") == [
        (1, "2025-01-11", 2), (1, "2025-05-05", 0), (2, "2025-01-20", 1), (5, "2025-02-01", 2),
        (7, "2025-01-15", 2), (7, "2025-01-15", 2)]


def test_the_builds_uniqueness_test_finds_the_duplicate_it_wrote_within_the_bound(rebuilt):
    _, results = rebuilt
    (test,) = [r for name, r in results.items() if name.startswith("unique_combination_ranged_rows")]
    # id 7's two rows; id 1's planted row lies outside the bound
    assert (test["status"], test["failures"]) == ("fail", 1)
