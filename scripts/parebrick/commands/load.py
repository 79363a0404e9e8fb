"""`parebrick load`: load every new extract in the inbox into the `raw` database, exactly once."""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from pathlib import Path

from rich.console import Console

from parebrick.commands.common import open_target
from parebrick.profile import project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load", help="load new CSV extracts from the inbox into raw (exactly once, bad rows quarantined)",
        description="Load every new file of <inbox>/<group>/<table>/ into raw.<group>__<table>. A file already "
                    "loaded is skipped; bad rows go to raw.load_rejected_rows; a file that cannot be read at all "
                    "is rejected with its reason and the exit code is 1 after everything else is loaded.",
    )
    parser.add_argument("--inbox", type=Path, default=None,
                        help="landing zone (default: $PAREBRICK_INBOX, else data/inbox in the project)")
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.add_argument("--only", action="append", metavar="GROUP.TABLE",
                        help="load only this table (repeatable), e.g. cms.uccx_contact_call_detail")
    parser.add_argument("--quiet", action="store_true", help="no progress bars or table: problems and totals only")
    parser.add_argument("--retry-rejected", action="store_true",
                        help="try again files whose identical bytes were rejected before")
    parser.add_argument("--max-bad-rows", type=int, default=1000,
                        help="a file may quarantine this many rows whatever its size (default 1000) ...")
    parser.add_argument("--max-bad-ratio", type=float, default=0.05,
                        help="... or this share of its rows (default 0.05); beyond both it is rejected whole")
    parser.add_argument("--expected-rejections", type=Path, metavar="MANIFEST",
                        help="a generated sample's manifest.json: the files it planted to be refused whole "
                             "(`rejected_files`) are reported but do not make the exit code 1, and each must be "
                             "refused (the demo loads its sample this way)")
    parser.set_defaults(func=run)


def default_inbox() -> Path:
    import os

    explicit = os.environ.get("PAREBRICK_INBOX")
    return Path(explicit) if explicit else project_dir() / "data" / "inbox"


def run(args: argparse.Namespace) -> int:
    from parebrick.embedded import open_client
    from parebrick.load.csvload import Limits
    from parebrick.load.edge import AtTheEdge
    from parebrick.load.progress import ProgressReporter, QuietReporter, print_summary
    from parebrick.load.runner import load_inbox

    console = Console(width=max(Console().width, 120))
    inbox = (args.inbox or default_inbox()).resolve()
    try:
        expected = expected_rejections(args.expected_rejections) if args.expected_rejections else set()
    except (OSError, ValueError, KeyError) as exc:
        console.print(f"[red]error:[/red] cannot read the expected rejections of {args.expected_rejections}: {exc}",
                      highlight=False, soft_wrap=True)
        return 1
    opened = open_target(console, args.target)
    if opened is None:
        return 1
    target, client = opened
    limits = Limits(max_bad_rows=args.max_bad_rows, max_bad_ratio=args.max_bad_ratio)
    try:
        with contextlib.ExitStack() as stack:
            loader = None
            if not target.is_embedded:
                # A server cannot read this machine's inbox: an embedded scratch warehouse parses the files here.
                scratch_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="parebrick-scratch-"))
                scratch = open_client(scratch_dir)
                stack.callback(scratch.close)
                loader = AtTheEdge(scratch)
            reporter = QuietReporter() if args.quiet else stack.enter_context(ProgressReporter(console))
            result = load_inbox(client, inbox, only=set(args.only) if args.only else None,
                                exclusive=target.is_embedded, limits=limits, retry_rejected=args.retry_rejected,
                                reporter=reporter, cluster=target.cluster, loader=loader)
    finally:
        client.close()
    print_summary(console, result, quiet=args.quiet)
    return 0 if _as_expected(console, result, expected) else 1


def expected_rejections(manifest: Path) -> set[str]:
    """The inbox-relative paths a generated sample planted to be refused whole (its manifest's `rejected_files`)."""
    import json

    return set(json.loads(manifest.read_text(encoding="utf-8"))["rejected_files"])


def _as_expected(console: Console, result, expected: set[str]) -> bool:
    """Whether the run went as planned: no problem, nothing failed, no file refused but the expected ones,
    and each expected one refused (now, or by an earlier run: then it is skipped). With nothing expected this
    is `result.ok`."""
    refused = [o for o in result.outcomes if o.status == "rejected"]
    unexpected = [o for o in refused if o.source not in expected]
    accepted = [o for o in result.outcomes if o.source in expected and o.status == "loaded"]
    for o in accepted:
        console.print(f"[red]not refused[/red] {o.source}: the sample planted it to be refused whole",
                      highlight=False, soft_wrap=True)
    if planted := len(refused) - len(unexpected):
        console.print(f"{planted} file(s) refused whole as the sample planted them", highlight=False)
    failed = any(o.status == "failed" for o in result.outcomes)
    return not result.problems and not failed and not unexpected and not accepted
