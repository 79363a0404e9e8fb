"""The throwaway dbt project the macro tests run the repository's macros in."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent / "project"


@pytest.fixture(scope="module")
def macro_project(tmp_path_factory, repo) -> Callable[[str], tuple[Path, dict[str, str]]]:
    """A fresh copy of the project with the repository's macros (`name` names its folder), and the
    environment its dbt commands need: the warehouse inside the copy."""
    def copy(name: str) -> tuple[Path, dict[str, str]]:
        root = tmp_path_factory.mktemp(name) / "project"
        shutil.copytree(PROJECT, root)
        shutil.copytree(repo / "macros", root / "macros")
        return root, {"PAREBRICK_WAREHOUSE": str(root / "warehouse")}
    return copy
