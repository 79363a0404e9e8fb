"""Benchmark: a full `dbt build` of the warehouse, then one more day built incrementally.

    python -m parebrick.bench.build [--days 90] [--calls-per-day 100000] [--data DIR] [--keep]

Generates DAYS + 1 days of sample extracts (kept in DIR for the next run: generation is deterministic),
loads all but the last day into a throwaway embedded warehouse, times `dbt build`, then loads the last day
and times `dbt build` again (incremental models process only the new day and their lookback window). The
builds are production's (`make build`): every data test, no unit tests (CI runs those). Before the full
build, the rows of each daily file are dated as loaded on the day after their day, as a warehouse loaded
daily holds them (`date_loads_as_delivered`).
Prints both times and their ratio. Targets: the full build under 5 minutes on a 2-core machine, the
incremental day within 10 % of it. A benchmark to compare runs on one machine, not a test.

It also times `dbt build` of an empty warehouse (the raw tables exist, no rows): the fixed cost of the
project's nodes (dbt's start, every model, test and hook), which no incremental run can go below.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parebrick.bench.inbox import split_at_last_day
from parebrick.embedded import open_client
from parebrick.load.registry import file_tables
from parebrick.load.schema import RAW_DATABASE
from parebrick.load.sql import qualified
from parebrick.profile import project_dir

FULL_BUILD_TARGET_SEC = 300
INCREMENTAL_SHARE_TARGET = 0.10


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parebrick.bench.build", description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=90, help="days built in full (one more is added)")
    parser.add_argument("--calls-per-day", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=None,
                        help="where the generated extracts are kept (default: .data/bench-<days>x<calls>)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark warehouse")
    args = parser.parse_args(argv)

    data = args.data or project_dir() / ".data" / f"bench-{args.days}x{args.calls_per_day}"
    if not (data / "manifest.json").is_file():
        print(f"generating {args.days + 1} days x {args.calls_per_day} calls into {data} ...", flush=True)
        generated = _run([_tool("parebrick"), "generate", "--out", str(data), "--days", str(args.days + 1),
                          "--calls-per-day", str(args.calls_per_day)], dict(os.environ))
        print(f"  generated in {generated:.0f} s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="parebrick-bench-"))
    try:
        first_part = work / "inbox"
        last_day = split_at_last_day(data / "inbox", first_part)
        env = {**os.environ, "PAREBRICK_WAREHOUSE": str(work / "warehouse"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        profiles = work / "profiles"
        profiles.mkdir()
        shutil.copy(project_dir() / "profiles.example.yml", profiles / "profiles.yml")

        def dbt_build(target: str) -> list[str]:
            # as production builds (make build): the unit tests' fixed inputs are CI's to check
            return [_tool("dbt"), "build", "--profiles-dir", str(profiles), "--target-path", str(work / target),
                    "--log-path", str(work / "logs"), "--exclude-resource-type", "unit_test"]

        empty_env = {**env, "PAREBRICK_WAREHOUSE": str(work / "empty-warehouse")}
        empty_inbox = work / "empty-inbox"
        empty_inbox.mkdir()
        _run([_tool("parebrick"), "load", "--inbox", str(empty_inbox), "--quiet"], empty_env)
        fixed = _run(dbt_build("empty-target"), empty_env)
        print(f"dbt build of an empty warehouse: {fixed:.1f} s (the fixed cost of the project's nodes)", flush=True)

        loaded = _run([_tool("parebrick"), "load", "--inbox", str(first_part), "--quiet"], env)
        print(f"loaded {args.days} days in {loaded:.0f} s", flush=True)
        date_loads_as_delivered(work / "warehouse")
        full = _run(dbt_build("target"), env)
        print(f"full dbt build:         {full:8.1f} s  (target: under {FULL_BUILD_TARGET_SEC} s)", flush=True)

        _run([_tool("parebrick"), "load", "--inbox", str(data / "inbox"), "--quiet"], env)
        incremental = _run(dbt_build("target"), env)
        share = incremental / full
        print(f"incremental day {last_day}: {incremental:8.1f} s")
        print(f"ratio incremental / full: {share:.3f}  (target: at most {INCREMENTAL_SHARE_TARGET}; the fixed cost "
              f"alone is {fixed / full:.3f} of the full build)")
    finally:
        if args.keep:
            print(f"warehouse kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
