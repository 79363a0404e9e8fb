"""`parebrick sources`: write (or, with --check, verify) the dbt sources YAML of the raw layer."""

from __future__ import annotations

import argparse

from parebrick.profile import project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sources", help="generate the dbt sources YAML of raw from the loader registry")
    parser.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.load.sources_yaml import stale_files, write

    project = project_dir()
    if args.check:
        stale = stale_files(project)
        for path in stale:
            print(f"out of date: {path.relative_to(project)} (run `parebrick sources`)")
        return 1 if stale else 0
    for path in write(project):
        print(f"wrote {path.relative_to(project)}")
    return 0
