"""Fixtures shared by the whole Python test suite; helpers live in support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import MKT_SELECT, REPO, SAAS_SELECT, SMART_SELECT, Completed, Warehouse, run_tool

# The sample every warehouse-reading test shares: small enough to build in a few minutes, big enough that
# every service, territory and planted defect occurs (the golden tests check its every published row).
SAMPLE_DAYS = 4
SAMPLE_CALLS_PER_DAY = 2500


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landing zone (`inbox/`) with the generator's truth (`truth/`)."""
    out = tmp_path_factory.mktemp("sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", str(SAMPLE_DAYS),
                       "--calls-per-day", str(SAMPLE_CALLS_PER_DAY)], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="session")
def sample_warehouse(sample_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The sample loaded and built (`dbt build`) on a throwaway embedded warehouse. Tests only read it."""
    warehouse = Warehouse(tmp_path_factory.mktemp("sample_warehouse"), REPO)
    warehouse.load(sample_extracts / "inbox")
    warehouse.dbt("build")
    return warehouse


@pytest.fixture(scope="session")
def executed_analyses(sample_warehouse: Warehouse) -> tuple[Completed, Path]:
    """`parebrick analyses` run on the sample warehouse: its output and the folder of the HTML pages."""
    out = sample_warehouse.root / "analyses"
    result = sample_warehouse.run("parebrick", "analyses", "--target", sample_warehouse.target, "--out", str(out),
                                  ok=False)
    return result, out


@pytest.fixture(scope="session")
def saas_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saas-only landing zone with its truth (the saas simulation spans its years whatever --days says)."""
    out = tmp_path_factory.mktemp("saas_sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                       "--groups", "saas"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="session")
def saas_warehouse(saas_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The saas extracts loaded and the saas models built on a throwaway embedded warehouse."""
    warehouse = Warehouse(tmp_path_factory.mktemp("saas_warehouse"), REPO)
    warehouse.load(saas_extracts / "inbox")
    warehouse.dbt("build", *SAAS_SELECT)
    return warehouse


@pytest.fixture(scope="session")
def smart_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smart-only landing zone with its truth (the monitoring spans its own weeks whatever --days says)."""
    out = tmp_path_factory.mktemp("smart_sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                       "--groups", "smart"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="session")
def smart_warehouse(smart_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The smart extracts loaded (the file planted to be refused whole refused, nothing else) and the smart
    models built on a throwaway embedded warehouse. The golden tests read it; the alerts demo test adds the
    sender's ledger (raw.smart_notifications), which no model reads."""
    warehouse = Warehouse(tmp_path_factory.mktemp("smart_warehouse"), REPO)
    warehouse.run("parebrick", "load", "--inbox", str(smart_extracts / "inbox"), "--target", warehouse.target,
                  "--quiet", "--expected-rejections", str(smart_extracts / "manifest.json"))
    warehouse.dbt("build", *SMART_SELECT)
    return warehouse


@pytest.fixture(scope="session")
def campaign_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crm and brm landing zone of the shared sample's size, with the campaigns' truth (the campaigns span
    their own weeks whatever --days says; billing holds their contracts)."""
    out = tmp_path_factory.mktemp("campaign_sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", str(SAMPLE_DAYS), "--calls-per-day",
                       str(SAMPLE_CALLS_PER_DAY), "--groups", "crm,brm"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="session")
def campaign_warehouse(campaign_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The crm and brm extracts loaded and the campaign models built on a throwaway embedded warehouse."""
    warehouse = Warehouse(tmp_path_factory.mktemp("campaign_warehouse"), REPO)
    warehouse.load(campaign_extracts / "inbox")
    warehouse.dbt("build", *MKT_SELECT)
    return warehouse
