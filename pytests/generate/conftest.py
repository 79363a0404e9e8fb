"""A shared generated run for the extract and funnel tests: ten days across a month boundary, enough history
for repeat appeals at the 7-day FCR edge, two billing months."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parebrick.generate import RunSpec, generate

RUN10 = dict(start_date=dt.date(2025, 1, 24), days=10, calls_per_day=2500, seed=3)


@pytest.fixture(scope="session")
def run10(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("run10")
    return out, generate(RunSpec(out=out, **RUN10), progress=False)
