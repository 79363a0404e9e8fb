"""`parebrick generate`: write a landing zone of sample extracts, their ground truth and a defect manifest."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("generate", help="write deterministic sample extracts with ground truth")
    parser.add_argument("--out", required=True, type=Path, help="output folder (inbox/, truth/, manifest.json)")
    parser.add_argument("--start-date", default="2025-01-13", help="first local date, YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=28, help="number of days (default 28)")
    parser.add_argument("--calls-per-day", type=int, default=20_000, help="queued calls per day (default 20000)")
    parser.add_argument("--seed", type=int, default=20241015, help="random seed (same seed, same bytes)")
    parser.add_argument("--gzip", action="store_true", help="write .csv.gz instead of .csv")
    parser.add_argument("--seeds-dir", type=Path, default=None, help="dbt seeds folder (default: the project's seeds/dim)")
    parser.add_argument("--groups", default=None, metavar="G1,G2",
                        help="write only these source groups, comma-separated, e.g. cms,crm (default: every group); "
                             "the simulation, and so each group's files and the truth, stay the same")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.generate import RunSpec, generate
    from parebrick.generate.dictionaries import DictionaryError
    from parebrick.generate.groups import UnknownGroupError, selected

    try:
        start = dt.date.fromisoformat(args.start_date)
    except ValueError:
        print(f"error: --start-date must be YYYY-MM-DD, got {args.start_date!r}", file=sys.stderr)
        return 2
    if args.days < 1 or args.calls_per_day < 100:
        print("error: --days must be at least 1 and --calls-per-day at least 100", file=sys.stderr)
        return 2
    groups = None if args.groups is None else tuple(g.strip() for g in args.groups.split(",") if g.strip())
    try:
        selected(groups)
    except UnknownGroupError as exc:
        print(f"error: --groups: {exc}", file=sys.stderr)
        return 2
    spec = RunSpec(out=args.out, start_date=start, days=args.days, calls_per_day=args.calls_per_day,
                   seed=args.seed, seeds_dir=args.seeds_dir, gzip=args.gzip, groups=groups)
    began = time.monotonic()
    try:
        manifest = generate(spec, progress=sys.stderr.isatty())
    except DictionaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(manifest['files'])} files to {args.out} in {time.monotonic() - began:.1f} s")
    return 0
