"""The benchmark's reference builds: the floor project has the nodes asked for; the report reads the day by them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import REPO, run_tool

from parebrick.bench.build import Bench, Build, History, report
from parebrick.bench.floor import write_project


@pytest.mark.parametrize(("tables", "tests"), [(3, 7), (4, 4), (2, 0)])
def test_floor_project_has_the_nodes_asked_for(tmp_path: Path, tables: int, tests: int):
    project = write_project(tmp_path / "floor", tables, tests)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(REPO / "profiles.example.yml", profiles / "profiles.yml")
    listed = run_tool(["dbt", "ls", "--profiles-dir", str(profiles), "--output", "json", "--output-keys",
                       "resource_type", "--quiet"], cwd=project,
                      env={"PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse")})
    assert listed.returncode == 0, listed.output[-3000:]
    kinds = [line for line in listed.output.splitlines() if line.startswith("{")]
    assert sum('"model"' in k for k in kinds) == tables
    assert sum('"test"' in k for k in kinds) == tests


def test_report_reads_the_day_against_the_reference_builds(capsys: pytest.CaptureFixture[str]):
    def build(seconds: float, nodes: int = 100) -> Build:
        # CPU time twice the wall time: both measures are reported, each from its own numbers
        return Build(seconds, 2 * seconds, nodes, [(seconds / nodes, "model.parebrick.m")] * nodes)

    empty, floor_nodes = build(30.0), build(24.0)
    # 30 days: full 120 s, so a linear share of (120 - 30) / 30 = 3 s; own work 50 - 30 = 20 s
    histories = [History(30, "20250213", 1000, build(120.0), build(50.0)),
                 History(90, "20250414", 1000, build(300.0), build(57.0))]
    lean = History(30, "20250213", 10, build(33.0), build(38.0))  # own work 8 s whatever the rows
    report(empty, floor_nodes, histories, lean)
    out = capsys.readouterr().out
    assert ("wall: empty warehouse 30.0 s for 100 nodes, 300 ms per node (the fixed cost); dbt's floor 24.0 s "
            "for 100 trivial nodes, 240 ms per node; the project's own above it 60 ms per node") in out
    assert "CPU: empty warehouse 60.0 s for 100 nodes, 600 ms per node" in out
    # rows work: 20 - 8 = 12 s against 3 s (4.0); at 90 days 27 - 8 = 19 s against 3 s (6.3)
    assert re.search(r" 30 days +wall +120\.0s +50\.0s +20\.0s +3\.00s +6\.7 +12\.0s +4\.0\n", out)
    assert re.search(r" 90 days +wall +300\.0s +57\.0s +27\.0s +3\.00s +9\.0 +19\.0s +6\.3\n", out)
    assert re.search(r" 90 days +CPU +600\.0s +114\.0s +54\.0s +6\.00s +9\.0 +38\.0s +6\.3\n", out)
    assert re.search(r" 30 days +wall +33\.0s +38\.0s +8\.0s +0\.10s +80\.0 \(10 calls a day\)\n", out)
    assert "incremental day at 90 days / at 30 days: 1.14 wall, 1.14 CPU" in out


def test_the_floor_build_counts_what_the_empty_build_materialized_and_tested(tmp_path: Path):
    ran = ["model.parebrick.a", "model.parebrick.b", "seed.parebrick.c", "snapshot.parebrick.d",
           "test.parebrick.e", "test.parebrick.f", "test.parebrick.g",
           "operation.parebrick.hook", "exposure.parebrick.page"]  # the last two have no counterpart
    empty = Build(1.0, 1.0, len(ran), [(0.1, node) for node in ran])
    floor_nodes = Bench(tmp_path, threads=1).floor_build(empty)
    kinds = sorted(node.split(".", 1)[0] for _, node in floor_nodes.node_times)
    assert kinds == ["model"] * 4 + ["test"] * 3
