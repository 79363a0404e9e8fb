"""Fixtures of the project-rules tests: the real project's manifest, parsed once into a scratch folder."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import REPO, run_tool


@pytest.fixture(scope="session")
def real_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """dbt parse of the working tree, into its own target path and with a throwaway warehouse path."""
    scratch = tmp_path_factory.mktemp("rules-parse")
    profiles = scratch / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text((REPO / "profiles.example.yml").read_text(encoding="utf-8"), encoding="utf-8")
    done = run_tool(
        ["dbt", "parse", "--profiles-dir", str(profiles), "--target-path", str(scratch / "target"),
         "--log-path", str(scratch / "logs")],
        cwd=REPO, env={"PAREBRICK_WAREHOUSE": str(scratch / "warehouse")},
    )
    assert done.returncode == 0, done.output
    return json.loads((scratch / "target" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def manifest(real_manifest: dict[str, Any]) -> dict[str, Any]:
    """A private copy each test may doctor."""
    return copy.deepcopy(real_manifest)


@pytest.fixture
def model_of(manifest: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    def find(name: str) -> dict[str, Any]:
        return manifest["nodes"][f"model.parebrick.{name}"]
    return find


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / "manifest.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path
    return write
