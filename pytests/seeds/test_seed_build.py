"""The dictionaries built by dbt on a throwaway embedded warehouse: typed as the YAML says, tests passing."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import run_tool

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Runs in a subprocess after dbt has finished, so this test process never holds an engine on the path.
QUERY_SCRIPT = """
import json, sys
import chdb.session
session = chdb.session.Session(sys.argv[1])
try:
    columns = session.query(
        "select table, name, type from system.columns where database = 'dim' order by table, position",
        "JSONCompact")
    counts = session.query(
        "select name, total_rows from system.tables where database = 'dim' order by name", "JSONCompact")
    working = session.query(
        "select year, toUInt32(sum(is_working_day)) from dim.dim_calendar group by year order by year",
        "JSONCompact")
    print(json.dumps({"columns": json.loads(str(columns))["data"], "counts": json.loads(str(counts))["data"],
                      "working": json.loads(str(working))["data"]}))
finally:
    session.close()
"""


@pytest.mark.slow
def test_seeds_build_typed_and_tested_on_the_embedded_warehouse(repo, tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(repo / "profiles.example.yml", profiles / "profiles.yml")
    warehouse = tmp_path / "warehouse"
    result = run_tool(
        # cautious: only the seeds' own tests, not model tests that merely refer to a seed
        ["dbt", "build", "--select", "resource_type:seed", "--indirect-selection", "cautious",
         "--profiles-dir", str(profiles), "--target", "local",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=repo, env={"PAREBRICK_WAREHOUSE": str(warehouse)},
    )
    assert result.returncode == 0, result.output[-4000:]
    assert "ERROR=0" in result.output and "WARN=0" in result.output, result.output[-4000:]
    assert "deprecat" not in result.output.lower(), "no deprecated test syntax"

    query = subprocess.run([sys.executable, "-c", QUERY_SCRIPT, str(warehouse)],
                           capture_output=True, text=True, timeout=300)
    assert query.returncode == 0, query.stderr[-3000:]
    found = json.loads(query.stdout.strip().splitlines()[-1])

    built_types: dict[str, dict[str, str]] = {}
    for table, column, ch_type in found["columns"]:
        built_types.setdefault(table, {})[column] = ch_type
    counts = {table: int(rows) for table, rows in found["counts"]}
    for csv_path in sorted(SEEDS.rglob("*.csv")):
        name = csv_path.stem
        document = yaml.safe_load(csv_path.with_suffix(".yml").read_text(encoding="utf-8"))
        (seed,) = [entry for entry in document["seeds"] if entry["name"] == name]
        assert built_types[name] == seed["config"]["column_types"], name
        with csv_path.open(encoding="utf-8", newline="") as handle:
            assert counts[name] == sum(1 for _ in csv.DictReader(handle)), name
    assert {int(year): int(days) for year, days in found["working"]} == {2024: 248, 2025: 247, 2026: 247}
