"""Fixtures shared by the whole Python test suite; helpers live in support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
