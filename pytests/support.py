"""Helpers shared by the Python tests (importable: `pytests` is on the test path).

Every warehouse a test builds is a throwaway embedded one in a temporary directory. dbt and the
`parebrick` command run in a subprocess (their own engine), so a test holds no client on a path while
they work on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Completed:
    returncode: int
    output: str


def run_tool(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> Completed:
    """Run a tool of this environment (dbt, parebrick) and return its exit code and merged output."""
    full_env = {**os.environ, "NO_COLOR": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env or {})}
    proc = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return Completed(proc.returncode, proc.stdout)
