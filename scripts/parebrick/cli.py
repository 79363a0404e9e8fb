"""The `parebrick` command line: one entry point, one sub-command per job.

Each sub-command lives in its own module and exposes `register(subparsers)`, which adds its
parser and sets `func` (a callable taking the parsed arguments and returning an exit code).
Modules are imported only when the command line is built, so `parebrick --help` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from parebrick import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "parebrick.commands.summary",
    "parebrick.commands.scorecard",
    "parebrick.commands.load",
    "parebrick.commands.pull",
    "parebrick.commands.sources",
    "parebrick.commands.generate",
    "parebrick.commands.omnichat_api",
    "parebrick.commands.rules",
    "parebrick.commands.analyses",
    "parebrick.commands.alerts",
    "parebrick.commands.access",
    "parebrick.commands.smtp_sink",
    "parebrick.commands.backup",
    "parebrick.commands.daily",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parebrick",
        description="Parebrick DW: generate sample extracts, load them into ClickHouse, inspect the warehouse.",
    )
    parser.add_argument("--version", action="version", version=f"parebrick {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # The driver logs a failed request before raising it; the commands report the error themselves, in one line.
    logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
    from parebrick.load.declarations import DeclarationError
    from parebrick.load.rawwriter import RawTableMismatch

    try:
        return int(args.func(args) or 0)
    except (DeclarationError, RawTableMismatch) as exc:
        # A declaration the loader cannot use, or a warehouse older than it: the author fixes it, not the code.
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
