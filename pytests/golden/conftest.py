"""The saas landing zone and warehouse the saas golden tests share (test_golden_saas*.py): one generated
sample and one `dbt build` per session, whichever of those files run."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO, SAAS_SELECT, Warehouse, run_tool


def generate_saas(out: Path) -> Path:
    """A saas-only landing zone with its truth under `out` (the saas simulation spans its years whatever
    --days says)."""
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                       "--groups", "saas"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="session")
def saas_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saas-only landing zone with its truth."""
    return generate_saas(tmp_path_factory.mktemp("saas_sample") / "sample")


@pytest.fixture(scope="session")
def saas_warehouse(saas_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The saas extracts loaded and the saas models built on a throwaway embedded warehouse."""
    warehouse = Warehouse(tmp_path_factory.mktemp("saas_warehouse"), REPO)
    warehouse.load(saas_extracts / "inbox")
    warehouse.dbt("build", *SAAS_SELECT)
    return warehouse
