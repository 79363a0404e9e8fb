"""Benchmark: what the daily `dbt build` costs, and how that cost grows with the history it builds on.

    python -m parebrick.bench.build [--days 30,90] [--calls-per-day 100000] [--threads N] [--keep]

For each history of DAYS days (same daily volume, every source group), it generates DAYS + 1 days of
extracts (kept in .data/bench-<days>x<calls> for the next run: generation is deterministic), loads all but
the last day into a throwaway embedded warehouse, times the full `dbt build`, then loads the last day and
times the incremental build of that one more day. Once, it times the build of an empty warehouse (raw
tables without rows): the fixed cost of the project's nodes, below which no daily run can go; the build of
as many trivial nodes (parebrick.bench.floor): dbt's and the engine's own part of that cost; and the
shortest history again at a hundredth of the calls a day (the groups that scale with the calls shrink with
them; the saas and smart simulations keep their size), whose incremental day costs what running every
model incrementally costs whatever the day's calls.

The builds are production's (`make build`): every data test, no unit tests (CI runs those). Before the full
build, each daily file's rows are dated as loaded on the day after their day, as a warehouse loaded daily
holds them (`date_loads_as_delivered`). Every build but the first of a target directory finds dbt's
partial parse warm, as a daily run does; the empty build is preceded by a `dbt parse` for the same reason.

What it prints, per history: the full build, the incremental day, and the incremental day's own work (its
time above the empty build) against its linear share of the full build's work ((full - empty) / days),
and that own work less the own work at a hundredth of the calls (the part that grows with the day's calls)
against the same share. Then the incremental day at the longest history against the shortest, the fixed
cost per node against dbt's floor, and the ten slowest nodes of the longest history's incremental day
(dbt's run results). A benchmark to compare runs on one machine as ratios within one run, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from parebrick.bench import floor
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
# the kinds of node that write a relation (dbt's run results name a node `<kind>.<project>.<name>`)
MATERIALIZED = ("model", "seed", "snapshot")
# the lean history's calls a day: the full history's divided by this
LEAN_VOLUME_DIVISOR = 100


# the two measures of a build: its wall time, and the CPU time of its process (the engine runs inside it),
# which counts work and not waiting
MEASURES = (("wall", "seconds"), ("CPU", "cpu_seconds"))


class Timing(NamedTuple):
    wall: float
    cpu: float


@dataclass(frozen=True)
class Build:
    seconds: float
    cpu_seconds: float
    nodes: int
    # (seconds, node id) of every node dbt ran, slowest first
    node_times: list[tuple[float, str]]


@dataclass(frozen=True)
class History:
    days: int
    last_day: str
    calls_per_day: int
    full: Build
    incremental: Build

    def own_work(self, empty: Build, measure: str = "seconds") -> float:
        return getattr(self.incremental, measure) - getattr(empty, measure)

    def linear_share(self, empty: Build, measure: str = "seconds") -> float:
        return (getattr(self.full, measure) - getattr(empty, measure)) / self.days


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> Timing:
    """Run a command of this environment from the project directory (or `cwd`); its wall and CPU seconds."""
    started, cpu_before = time.perf_counter(), _children_cpu()
    proc = subprocess.run(args, cwd=cwd or project_dir(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    timing = Timing(time.perf_counter() - started, _children_cpu() - cpu_before)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        raise SystemExit(f"{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(args))} failed")
    return timing


def _children_cpu() -> float:
    """User and system CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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

    def dbt(self, command: str, warehouse: str, *flags: str, project: Path | None = None) -> Timing:
        threads = ("--threads", str(self.threads)) if self.threads else ()
        return _run([_tool("dbt"), command, "--profiles-dir", str(self.profiles),
                     "--target-path", str(self.work / f"{warehouse}-target"),
                     "--log-path", str(self.work / "logs"), *threads, *flags], self.env(warehouse), project)

    def build(self, warehouse: str, project: Path | None = None) -> Build:
        timing = self.dbt("build", warehouse, *PRODUCTION_BUILD_FLAGS, project=project)
        results = json.loads((self.work / f"{warehouse}-target" / "run_results.json").read_text())["results"]
        node_times = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
        return Build(timing.wall, timing.cpu, len(results), node_times)

    def load(self, warehouse: str, inbox: Path, manifest: Path | None = None) -> Timing:
        # the files a generated sample plants to be refused whole are refused, as the demo's load expects
        expected = ("--expected-rejections", str(manifest)) if manifest else ()
        return _run([_tool("parebrick"), "load", "--inbox", str(inbox), "--quiet", *expected], self.env(warehouse))

    def empty_build(self) -> Build:
        empty_inbox = self.work / "empty-inbox"
        empty_inbox.mkdir()
        self.load("empty", empty_inbox)
        self.dbt("parse", "empty")
        return self.build("empty")

    def floor_build(self, empty: Build) -> Build:
        """A build of as many trivial tables and tests as the empty build materialized and tested (warm parse,
        as it had); its hooks and exposures have no counterpart."""
        kinds = [node.split(".", 1)[0] for _, node in empty.node_times]
        tables = sum(kinds.count(kind) for kind in MATERIALIZED)
        project = floor.write_project(self.work / "floor-project", tables, kinds.count("test"))
        self.dbt("parse", "floor", project=project)
        return self.build("floor", project)

    def history(self, days: int, calls_per_day: int, data: Path) -> History:
        warehouse = f"history-{days}x{calls_per_day}"
        first_part = self.work / f"inbox-{days}x{calls_per_day}"
        last_day = split_at_last_day(data / "inbox", first_part, link=True)
        loaded = self.load(warehouse, first_part, data / "manifest.json")
        label = f"{days} days x {calls_per_day:,} calls"
        print(f"  {label} loaded in {loaded.wall:.0f} s", flush=True)
        date_loads_as_delivered(self.work / warehouse)
        full = self.build(warehouse)
        print(f"  {label} built in full in {full.seconds:.1f} s", flush=True)
        self.load(warehouse, data / "inbox", data / "manifest.json")
        incremental = self.build(warehouse)
        print(f"  {label} + {last_day} built incrementally in {incremental.seconds:.1f} s", flush=True)
        shutil.rmtree(first_part)
        return History(days, last_day, calls_per_day, full, incremental)


def generated(days: int, calls_per_day: int) -> Path:
    """The extracts of `days` days plus the one more day, generated unless kept from an earlier run."""
    data = project_dir() / ".data" / f"bench-{days}x{calls_per_day}"
    if not (data / "manifest.json").is_file():
        print(f"generating {days + 1} days x {calls_per_day} calls into {data} ...", flush=True)
        timing = _run([_tool("parebrick"), "generate", "--out", str(data), "--days", str(days + 1),
                       "--calls-per-day", str(calls_per_day)], dict(os.environ))
        print(f"  generated in {timing.wall:.0f} s", flush=True)
    return data


def report(empty: Build, floor_nodes: Build, histories: list[History], lean: History) -> None:
    print()
    for name, measure in MEASURES:
        fixed, floor_fixed = getattr(empty, measure), getattr(floor_nodes, measure)
        per_node, floor_per_node = 1000 * fixed / empty.nodes, 1000 * floor_fixed / floor_nodes.nodes
        print(f"{name}: empty warehouse {fixed:.1f} s for {empty.nodes} nodes, {per_node:.0f} ms per node (the fixed "
              f"cost); dbt's floor {floor_fixed:.1f} s for {floor_nodes.nodes} trivial nodes, {floor_per_node:.0f} ms "
              f"per node; the project's own above it {per_node - floor_per_node:.0f} ms per node")
    print(f"{'history':>8} {'measure':>7} {'full':>9} {'incremental':>12} {'own work':>9} {'linear share':>13} "
          f"{'own / share':>12} {'rows work':>10} {'rows / share':>13}")
    for h in [*histories, lean]:
        for name, measure in MEASURES:
            own, share = h.own_work(empty, measure), h.linear_share(empty, measure)
            rows = own - lean.own_work(empty, measure)
            tail = f"{rows:>9.1f}s {rows / share:>13.1f}" if h is not lean else f"({h.calls_per_day:,} calls a day)"
            print(f"{h.days:>3} days {name:>7} {getattr(h.full, measure):>8.1f}s "
                  f"{getattr(h.incremental, measure):>11.1f}s {own:>8.1f}s {share:>12.2f}s {own / share:>12.1f} {tail}")
    print(f"(own work: the incremental day above the empty build; linear share: (full - empty) / days; "
          f"target own / share at most {OWN_WORK_TARGET:.0f}; rows work: own work less the own work at "
          f"{lean.calls_per_day:,} calls a day, what an incremental run costs whatever the day's calls)")
    if len(histories) > 1:
        short, long = histories[0], histories[-1]
        print(f"incremental day at {long.days} days / at {short.days} days: "
              f"{long.incremental.seconds / short.incremental.seconds:.2f} wall, "
              f"{long.incremental.cpu_seconds / short.incremental.cpu_seconds:.2f} CPU "
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

    lean_calls = max(1, args.calls_per_day // LEAN_VOLUME_DIVISOR)
    data = {d: generated(d, args.calls_per_day) for d in days}
    lean_data = generated(days[0], lean_calls)
    work = Path(tempfile.mkdtemp(prefix="parebrick-bench-"))
    try:
        bench = Bench(work, args.threads)
        empty = bench.empty_build()
        print(f"  empty warehouse built in {empty.seconds:.1f} s", flush=True)
        floor_nodes = bench.floor_build(empty)
        print(f"  {floor_nodes.nodes} trivial nodes built in {floor_nodes.seconds:.1f} s", flush=True)
        histories = []
        runs = [(d, args.calls_per_day, data[d]) for d in days] + [(days[0], lean_calls, lean_data)]
        for d, calls, source in runs:
            histories.append(bench.history(d, calls, source))
            if not args.keep:
                shutil.rmtree(work / f"history-{d}x{calls}", ignore_errors=True)
        report(empty, floor_nodes, histories[:-1], histories[-1])
    finally:
        if args.keep:
            print(f"warehouses kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
