"""Helpers shared by the Python tests (importable: `pytests` is on the test path).

Every warehouse a test builds is a throwaway embedded one in a temporary directory. dbt and the
`parebrick` command run in a subprocess (their own engine), so a test holds no client on a path while
they work on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clickhouse_connect import get_client
from clickhouse_connect.driver.client import Client

from parebrick.embedded import open_client

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# What the saas models need (the saas golden tests): the published views and everything upstream, plus the
# dictionary a staging test relates to (dim_saas_roles); the other groups are not generated and not built.
SAAS_SELECT = ("--select", "+path:models/view/saas", "dim_saas_roles")
# What the smart models need (the smart golden tests, the alerts demo test): the published views, the details
# and everything upstream, plus the cabinets' dictionary.
SMART_SELECT = ("--select", "+path:models/view/smart", "+path:models/detail/smart", "dim_smart_cabinets")
# What the campaign views need (their golden test): the views and everything upstream, plus the products
# dictionary the staging tests relate to; with cautious selection a test runs only when all its parents are
# built, so the tests of the crm and brm models these views do not read are left out.
MKT_SELECT = ("--select", "+path:models/view/mkt", "dim_products", "--indirect-selection", "cautious")


@dataclass
class Completed:
    returncode: int
    output: str


def tool_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a tool a test runs: this one plus `env`, reading the project's profiles.example.yml
    (a developer's own DBT_PROFILES_DIR is left out), without colours or usage statistics."""
    inherited = {key: value for key, value in os.environ.items() if key != "DBT_PROFILES_DIR"}
    return {**inherited, "NO_COLOR": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PAREBRICK_PROJECT_DIR": str(REPO), **(env or {})}


def run_tool(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> Completed:
    """Run a tool of this environment (dbt, parebrick) and return its exit code and merged output."""
    proc = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, env=tool_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return Completed(proc.returncode, proc.stdout)


@dataclass
class ClickHouseServer:
    """A ClickHouse HTTP endpoint on 127.0.0.1 for the `server` target (see clickhouse_http.py)."""

    port: int
    process: subprocess.Popen

    @property
    def env(self) -> dict[str, str]:
        """What the `server` target of profiles.example.yml reads to reach this server."""
        return {"CLICKHOUSE_HOST": "127.0.0.1", "CLICKHOUSE_PORT": str(self.port)}

    def client(self) -> Client:
        """A clickhouse-connect client on this server, over HTTP."""
        return get_client(host="127.0.0.1", port=self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_clickhouse_server(data_dir: Path) -> ClickHouseServer:
    """Start the test ClickHouse server on a free port, in its own process, and wait until it listens."""
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("clickhouse_http.py")),
                                "--path", str(data_dir)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("port "):
        process.kill()
        raise RuntimeError(f"the test ClickHouse server did not start: {line!r}")
    return ClickHouseServer(int(line.split()[1]), process)


class Warehouse:
    """A throwaway warehouse built by the project's own commands from one generated landing zone."""

    def __init__(self, root: Path, repo: Path, server: ClickHouseServer | None = None):
        self.root, self.repo, self.server = root, repo, server
        self.path = root / "warehouse"
        self.target = "server" if server else "local"
        self.env = server.env if server else {"PAREBRICK_WAREHOUSE": str(self.path)}
        profiles = root / "profiles"
        profiles.mkdir(exist_ok=True)
        shutil.copy(repo / "profiles.example.yml", profiles / "profiles.yml")
        self.dbt_flags = ["--profiles-dir", str(profiles), "--target-path", str(root / "target"),
                          "--log-path", str(root / "logs"), "--target", self.target]

    def run(self, *args: str, ok: bool = True):
        result = run_tool(list(args), cwd=self.repo, env=self.env)
        if ok:
            assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.output[-5000:]}"
        return result

    def load(self, inbox: Path):
        return self.run("parebrick", "load", "--inbox", str(inbox), "--target", self.target, "--quiet", ok=False)

    def dbt(self, *args: str):
        return self.run("dbt", *args, *self.dbt_flags)

    def client(self):
        if self.server:
            return self.server.client()
        return open_client(self.path)

    def execute(self, sql: str, settings: dict | None = None) -> None:
        client = self.client()
        try:
            client.command(sql, settings=settings or {})
        finally:
            client.close()

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        client = self.client()
        try:
            result = client.query(sql)
            return list(result.column_names), list(result.result_rows)
        finally:
            client.close()


def assert_view_equals_truth(truth: list[dict[str, str]], names: list[str], rows: list[tuple],
                             grain: tuple[str, ...], exact: tuple[str, ...], rates: tuple[str, ...],
                             as_text: Callable[[Any, str], str], tolerance: float = 0.01) -> None:
    """Every row of a published view equals the generator's truth file, row for row: the same grain keys
    both ways, `exact` columns as the truth writes them, `rates` within `tolerance` (NULL only where the
    truth is empty). `as_text(value, column)` writes a warehouse value as the truth file does."""
    expected_rows = {tuple(row[c] for c in grain): row for row in truth}
    got = {tuple(as_text(r[names.index(c)], c) for c in grain): dict(zip(names, r)) for r in rows}
    assert expected_rows, "the truth file has rows"
    assert len(got) == len(rows), "the view's grain is unique"
    assert sorted(set(expected_rows) - set(got))[:10] == [], "rows in the truth missing from the view"
    assert sorted(set(got) - set(expected_rows))[:10] == [], "rows in the view the truth does not have"
    mismatches = []
    for key, expected in expected_rows.items():
        actual = got[key]
        for column in exact:
            if as_text(actual[column], column) != expected[column]:
                mismatches.append((key, column, expected[column], actual[column]))
        for column in rates:
            want = None if expected[column] == "" else float(expected[column])
            have = actual[column]
            if (want is None) != (have is None) or (want is not None and abs(want - have) > tolerance):
                mismatches.append((key, column, want, have))
    assert mismatches == [], f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


def assert_same_rows(incremental: Warehouse, full: Warehouse, relation: str, columns: str, order: str) -> None:
    """The rows of `relation` (its `columns`, in `order`) are the same in both warehouses: what an incremental
    build left equals a full refresh."""
    sql = f"SELECT {columns} FROM {relation} ORDER BY {order}"
    (names, after_increment), (_, after_refresh) = incremental.rows(sql), full.rows(sql)
    differing = [(a, b) for a, b in zip(after_increment, after_refresh) if a != b]
    assert len(after_increment) == len(after_refresh), relation
    assert differing == [], f"{relation}: {len(differing)} rows differ ({names}), first: {differing[:3]}"


def whole_days(offered: dict[Any, int], share: float = 0.5) -> set[Any]:
    """docs/metrics.md, metric_is_whole_day, computed again in Python: the dates from the first to the last
    whose national offered reaches `share` of the median day's (dates in order of their keys)."""
    dates = sorted(offered)
    values = sorted(offered.values())
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    full = [date for date in dates if offered[date] >= share * median]
    return {date for date in dates if full and full[0] <= date <= full[-1]}


def read_truth(path: Path) -> list[dict[str, str]]:
    """The rows of a truth file the generator wrote (CSV with a header), as text."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def truth_text(value: Any) -> str:
    """A warehouse value as the generator's truth files write it: empty for NULL, True/False, ISO dates and
    times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
