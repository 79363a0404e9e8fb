"""`parebrick sources`: write the loader's sources YAML; with --check, also validate every group's declaration."""

from __future__ import annotations

import argparse

from parebrick.profile import project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sources", help="check the source groups' declarations and write the loader's sources YAML")
    parser.add_argument("--check", action="store_true",
                        help="only report a declaration the loader cannot read or a stale file (exit 1)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.load.sources_yaml import declaration_problems, problems, write

    project = project_dir()
    if args.check:
        found = problems(project)
        for line in found:
            print(line)
        return 1 if found else 0
    for path in write(project):
        print(f"wrote {path.relative_to(project)}")
    found = declaration_problems(project)
    for line in found:
        print(line)
    return 1 if found else 0
