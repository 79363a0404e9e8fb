"""dbt's own cost per node on this machine: a build of trivial nodes on the project's adapter and profile.

The empty-warehouse build is the project's fixed cost; part of it is dbt's and the engine's whatever the
project does (render the node and its materialization, log its events, send its statements). This
writes a throwaway project with the same numbers of materialized nodes and data tests as the project's
build, each as small as dbt allows (a table of one column and no rows; `not_null` and `unique` tests on
it), and builds it on an empty warehouse. Its time per node is the floor the project's per-node cost is
measured against: what lies above it is the project's own (its materializations, macros and queries).
"""

from __future__ import annotations

import math
from pathlib import Path

# dbt's two built-in generic tests: the cheapest test nodes it has
_TESTS = ("not_null", "unique")


def write_project(directory: Path, tables: int, tests: int) -> Path:
    """A dbt project of `tables` empty tables carrying `tests` data tests between them; its directory."""
    models = directory / "models"
    models.mkdir(parents=True)
    (directory / "dbt_project.yml").write_text(
        "name: floor\nversion: '1.0'\nconfig-version: 2\nprofile: parebrick\nmodel-paths: [models]\n"
        "models:\n  floor:\n    +materialized: table\n")
    per_table = math.ceil(tests / tables) if tables else 0
    lines = ["version: 2", "models:"]
    left = tests
    for t in range(tables):
        name = f"floor_{t:04d}"
        here = min(per_table, left)
        left -= here
        columns = math.ceil(here / len(_TESTS)) or 1
        (models / f"{name}.sql").write_text(
            "select " + ", ".join(f"toUInt32(number) as c{c}" for c in range(columns)) + " from numbers(0)\n")
        lines += [f"  - name: {name}", "    columns:"]
        for c in range(columns):
            kinds = _TESTS[: here - c * len(_TESTS)]  # both on every column, the last one may carry one
            lines += [f"      - name: c{c}", f"        data_tests: [{', '.join(kinds)}]"]
    (models / "schema.yml").write_text("\n".join(lines) + "\n")
    return directory
