"""Benchmark: what the daily `dbt build` costs, and how that cost grows with the history it builds on.

    python -m parebrick.bench.build [--days 30,90] [--calls-per-day 100000] [--threads N] [--keep]

For each history of DAYS days (same daily volume, every source group), it generates DAYS + 1 days of
extracts (kept in .data/bench-<days>x<calls> for the next run: generation is deterministic), loads all but
the last day into a throwaway embedded warehouse, times the full `dbt build`, then loads the last day and
times the incremental build of that one more day. Once, it times the build of an empty warehouse (raw
tables without rows): the fixed cost of the project's nodes, below which no daily run can go.

The builds are production's (`make build`): every data test, no unit tests (CI runs those). Before the full
build, each daily file's rows are dated as loaded on the day after their day, as a warehouse loaded daily
holds them (`date_loads_as_delivered`). Every build but the first of a target directory finds dbt's
partial parse warm, as a daily run does; the empty build is preceded by a `dbt parse` for the same reason.

What it prints, per history: the full build, the incremental day, and the incremental day's own work (its
time above the empty build) against its linear share of the full build's work ((full - empty) / days); then
the incremental day at the longest history against the shortest, the fixed cost per node, and the ten
slowest nodes of the longest history's incremental day (dbt's run results). A benchmark to compare runs on
one machine as ratios within one run, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from parebrick.bench.inbox import split_at_last_day
from parebrick.daily.steps import PRODUCTION_BUILD_FLAGS
from parebrick.embedded import open_client
from parebrick.load.registry import file_tables
from parebrick.load.schema import RAW_DATABASE
from parebrick.load.sql import qualified
from parebrick.profile import project_dir

FLAT_IN_HISTORY_TARGET = 1.2  # incremental day at the longest history / at the shortest
OWN_WORK_TARGET = 3.0  # incremental day's own work / its linear share of the full build's work
SLOWEST = 10


@dataclass(frozen=True)
class Build:
    seconds: float
    nodes: int
    # (seconds, node id) of every node dbt ran, slowest first
    node_times: list[tuple[float, str]]


@dataclass(frozen=True)
class History:
    days: int
    last_day: str
    full: Build
    incremental: Build

    def own_work(self, empty: Build) -> float:
        return self.incremental.seconds - empty.seconds

    def linear_share(self, empty: Build) -> float:
        return (self.full.seconds - empty.seconds) / self.days


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(args: list[str], env: dict[str, str]) -> float:
    """Run a command of this environment from the project directory; its wall time in seconds."""
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=project_dir(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        raise SystemExit(f"{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(args))} failed")
    return elapsed


def date_loads_as_delivered(warehouse: Path) -> None:
    """Date each loaded file's rows as loaded the day after the day its name carries (`…_YYYYMMDD…`).

    The benchmark loads 90 days of files within minutes; production loaded each on its day. What reads
    by load time (the tariff snapshot's lookback) would otherwise take all 90 days for recent deliveries.
    Files without a day in their name (monthly billing, weekly schedules) keep their load time.
    """
    day_in_name = "'_(\\d{8})[^/]*$'"
    day = f"assumeNotNull(parseDateTimeOrNull(extract(_source, {day_in_name}), '%Y%m%d', 'UTC'))"
    client = open_client(warehouse)
    try:
        for table in file_tables():
            client.command(
                f"ALTER TABLE {qualified(RAW_DATABASE, table.raw_name)} "
                f"UPDATE _loaded_at = toDateTime64({day}, 3, 'UTC') + toIntervalDay(1) "
                f"WHERE match(_source, {day_in_name})",
                settings={"mutations_sync": 2})
    finally:
        client.close()


class Bench:
    """The commands of one benchmark run, in one scratch directory with its own dbt profile."""

    def __init__(self, work: Path, threads: int | None):
        self.work = work
        self.threads = threads
        self.profiles = work / "profiles"
        self.profiles.mkdir()
        shutil.copy(project_dir() / "profiles.example.yml", self.profiles / "profiles.yml")

    def env(self, warehouse: str) -> dict[str, str]:
        return {**os.environ, "PAREBRICK_WAREHOUSE": str(self.work / warehouse),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def dbt(self, command: str, warehouse: str, *flags: str) -> float:
        threads = ("--threads", str(self.threads)) if self.threads else ()
        return _run([_tool("dbt"), command, "--profiles-dir", str(self.profiles),
                     "--target-path", str(self.work / f"{warehouse}-target"),
                     "--log-path", str(self.work / "logs"), *threads, *flags], self.env(warehouse))

    def build(self, warehouse: str) -> Build:
        seconds = self.dbt("build", warehouse, *PRODUCTION_BUILD_FLAGS)
        results = json.loads((self.work / f"{warehouse}-target" / "run_results.json").read_text())["results"]
        node_times = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
        return Build(seconds, len(results), node_times)

    def load(self, warehouse: str, inbox: Path, manifest: Path | None = None) -> float:
        # the files a generated sample plants to be refused whole are refused, as the demo's load expects
        expected = ("--expected-rejections", str(manifest)) if manifest else ()
        return _run([_tool("parebrick"), "load", "--inbox", str(inbox), "--quiet", *expected], self.env(warehouse))

    def empty_build(self) -> Build:
        empty_inbox = self.work / "empty-inbox"
        empty_inbox.mkdir()
        self.load("empty", empty_inbox)
        self.dbt("parse", "empty")
        return self.build("empty")

    def history(self, days: int, data: Path) -> History:
        warehouse = f"history-{days}"
        first_part = self.work / f"inbox-{days}"
        last_day = split_at_last_day(data / "inbox", first_part, link=True)
        loaded = self.load(warehouse, first_part, data / "manifest.json")
        print(f"  {days} days loaded in {loaded:.0f} s", flush=True)
        date_loads_as_delivered(self.work / warehouse)
        full = self.build(warehouse)
        print(f"  {days} days built in full in {full.seconds:.1f} s", flush=True)
        self.load(warehouse, data / "inbox", data / "manifest.json")
        incremental = self.build(warehouse)
        print(f"  {days} days + {last_day} built incrementally in {incremental.seconds:.1f} s", flush=True)
        shutil.rmtree(first_part)
        return History(days, last_day, full, incremental)


def generated(days: int, calls_per_day: int) -> Path:
    """The extracts of `days` days plus the one more day, generated unless kept from an earlier run."""
    data = project_dir() / ".data" / f"bench-{days}x{calls_per_day}"
    if not (data / "manifest.json").is_file():
        print(f"generating {days + 1} days x {calls_per_day} calls into {data} ...", flush=True)
        seconds = _run([_tool("parebrick"), "generate", "--out", str(data), "--days", str(days + 1),
                        "--calls-per-day", str(calls_per_day)], dict(os.environ))
        print(f"  generated in {seconds:.0f} s", flush=True)
    return data


def report(empty: Build, histories: list[History]) -> None:
    print()
    print(f"empty warehouse: {empty.seconds:.1f} s for {empty.nodes} nodes, "
          f"{1000 * empty.seconds / empty.nodes:.0f} ms per node (the fixed cost)")
    print(f"{'history':>8} {'full':>9} {'incremental':>12} {'own work':>9} {'linear share':>13} "
          f"{'own / share':>12}")
    for h in histories:
        own, share = h.own_work(empty), h.linear_share(empty)
        print(f"{h.days:>3} days {h.full.seconds:>8.1f}s {h.incremental.seconds:>11.1f}s {own:>8.1f}s "
              f"{share:>12.2f}s {own / share:>12.1f}")
    print(f"(own work: the incremental day above the empty build; linear share: (full - empty) / days; "
          f"target own / share at most {OWN_WORK_TARGET:.0f})")
    if len(histories) > 1:
        short, long = histories[0], histories[-1]
        print(f"incremental day at {long.days} days / at {short.days} days: "
              f"{long.incremental.seconds / short.incremental.seconds:.2f} "
              f"(target: at most {FLAT_IN_HISTORY_TARGET}, flat in history)")
    longest = histories[-1]
    print(f"the {SLOWEST} slowest nodes of the incremental day at {longest.days} days "
          f"({longest.incremental.nodes} nodes):")
    for seconds, node in longest.incremental.node_times[:SLOWEST]:
        print(f"  {seconds:6.2f} s  {node}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parebrick.bench.build", description=__doc__.split("\n")[0])
    parser.add_argument("--days", default="30,90",
                        help="the histories to build, days each, comma-separated (one more day is added to each)")
    parser.add_argument("--calls-per-day", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=None, help="dbt's threads (default: the profile's)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's warehouses")
    args = parser.parse_args(argv)
    days = sorted({int(d) for d in args.days.split(",")})

    data = {d: generated(d, args.calls_per_day) for d in days}
    work = Path(tempfile.mkdtemp(prefix="parebrick-bench-"))
    try:
        bench = Bench(work, args.threads)
        empty = bench.empty_build()
        print(f"  empty warehouse built in {empty.seconds:.1f} s", flush=True)
        histories = []
        for d in days:
            histories.append(bench.history(d, data[d]))
            if not args.keep:
                shutil.rmtree(work / f"history-{d}", ignore_errors=True)
        report(empty, histories)
    finally:
        if args.keep:
            print(f"warehouses kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
