"""`parebrick daily`: the daily batch, load → pulls → dbt build → source freshness → alerts → notifications →
run report, under one lock, each step recorded in the audit tables (README, "The daily batch")."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from parebrick.daily.steps import NAMES, STEPS

# A scheduler retries a run that found the lock taken later; sysexits' EX_TEMPFAIL says so.
LOCK_HELD_EXIT = 75


def register(subparsers: argparse._SubParsersAction) -> None:
    steps = "\n".join(f"  {step.name:<14} {step.does}" for step in STEPS)
    parser = subparsers.add_parser(
        "daily", help="run the daily batch: load, pulls, build, freshness, alerts, notifications, report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Runs the steps below in order under one lock (a second run prints one line and exits "
                    f"{LOCK_HELD_EXIT}), records each in audit.daily_steps and dbt's results in audit.dbt_node_results "
                    "and audit.dbt_source_freshness, and ends with the run report. A failed step or a stale source "
                    "stops the later steps, mails the report to PAREBRICK_ONCALL_EMAIL (through the "
                    "PAREBRICK_SMTP_* settings) and exits 1.\n\nsteps:\n" + steps
                    + "\n  report         the run report; always, at the end",
    )
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.add_argument("--step", action="append", choices=NAMES, metavar="STEP",
                        help="run only this step (repeatable; in the declared order whatever the order given): "
                             + ", ".join(NAMES))
    parser.add_argument("--inbox", type=Path, default=None,
                        help="landing zone of the load step (default: $PAREBRICK_INBOX, else data/inbox)")
    parser.add_argument("--select", nargs="+", default=(), metavar="SELECTOR",
                        help="dbt selection of the build and freshness steps (default: the whole project)")
    parser.add_argument("--sample", type=Path, default=None, metavar="MANIFEST",
                        help="a generated sample's manifest.json: the load expects its planted rejections and the "
                             "alerts are told as of the end of its monitoring (the demo's run)")
    parser.add_argument("--profiles-dir", default=None,
                        help="dbt profiles directory (default: DBT_PROFILES_DIR, then .dbt/, then the example profile)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.commands.load import default_inbox
    from parebrick.daily.lock import LockHeld
    from parebrick.daily.runner import run_daily
    from parebrick.daily.steps import Settings, selected
    from parebrick.profile import ProfileError, load_target, project_dir
    from parebrick.rules.manifest import ManifestError, profiles_dir

    # A scheduler stops a run with SIGTERM: end like Ctrl-C, so the step's process is stopped too (the run stays
    # `running` in audit.daily_runs and the next run records it interrupted).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        target = load_target(args.target)
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    project = project_dir()
    with tempfile.TemporaryDirectory(prefix="parebrick-daily-") as scratch:
        try:
            profiles = profiles_dir(project, args.profiles_dir, Path(scratch))
        except ManifestError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        settings = Settings(target.name, project, profiles.resolve(), (args.inbox or default_inbox()).resolve(),
                            tuple(args.select), args.sample.resolve() if args.sample else None)
        try:
            return run_daily(target, settings, selected(args.step), lambda text: print(text, flush=True))
        except LockHeld as exc:
            print(f"parebrick daily: {exc}", flush=True)
            return LOCK_HELD_EXIT
