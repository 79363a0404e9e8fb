"""Golden test of the smart group (installation monitoring, seed 002): the published views equal the truth.

The truth (parebrick.generate.smart_truth) is computed in Python from the simulation's rows, never from the
files it writes and never with SQL; the warehouse gets only the smart extracts, planted defects included
(a registry file refused whole, rejected rows, a repeated line, lines that are not JSON, reports of an
installation no registry lists), through the real loader and a real `dbt build` of the smart models. Every
row of v_smart_usage_daily equals truth/v_smart_usage_daily.csv: counts exactly, the percentage to 0.01.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from support import REPO, Warehouse, assert_view_equals_truth, run_tool

TOLERANCE = 0.01
SMART_SELECT = ("--select", "+path:models/view/smart", "+path:models/detail/smart", "dim_smart_cabinets")


@pytest.fixture(scope="module")
def smart_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smart-only landing zone with its truth (the monitoring spans its own weeks whatever --days says)."""
    out = tmp_path_factory.mktemp("smart_sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                       "--groups", "smart"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="module")
def smart_warehouse(smart_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The smart extracts loaded (the file planted to be refused whole refused, nothing else) and the smart
    models built on a throwaway embedded warehouse."""
    warehouse = Warehouse(tmp_path_factory.mktemp("smart_warehouse"), REPO)
    warehouse.run("parebrick", "load", "--inbox", str(smart_extracts / "inbox"), "--target", warehouse.target,
                  "--quiet", "--expected-rejections", str(smart_extracts / "manifest.json"))
    warehouse.dbt("build", *SMART_SELECT)
    return warehouse


def read_truth(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_text(value) -> str:
    """A warehouse value as the truth files write it: empty for NULL, True/False, ISO dates and times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_usage_daily_matches_the_generators_truth(smart_warehouse, smart_extracts):
    names, rows = smart_warehouse.rows("SELECT * FROM views.v_smart_usage_daily")
    assert_view_equals_truth(
        read_truth(smart_extracts / "truth" / "v_smart_usage_daily.csv"), names, rows,
        ("cabinet", "client", "report_date"),
        ("reports", "sessions", "searches", "empty_searches", "users_active_max", "documents_opened"),
        ("empty_search_pct",), lambda value, _column: as_text(value), TOLERANCE)
