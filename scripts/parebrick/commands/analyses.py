"""`parebrick analyses`: execute the notebooks of analyses/notebooks/ and write them as HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from parebrick.profile import ProfileError, load_target, project_dir

DEFAULT_OUT = Path("target") / "analyses"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyses", help="run the notebooks headless against a target and write them as HTML")
    parser.add_argument("names", nargs="*", metavar="NAME", help="notebooks to run (default: every one)")
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"folder of the HTML pages (default: {DEFAULT_OUT} in the project, beside the docs)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.analyses import notebooks

    console = Console(highlight=False, soft_wrap=True)
    try:
        target = load_target(args.target)
        chosen = notebooks.discover(names=args.names)
    except (ProfileError, LookupError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1
    out = args.out or project_dir() / DEFAULT_OUT
    failed = 0
    for notebook in chosen:
        outcome = notebooks.run(notebook, out, target=target.name)
        if outcome.ok:
            console.print(f"{notebook.name}: ran in {outcome.seconds:.0f} s on target {target.name} → {outcome.html}")
        else:
            failed += 1
            console.print(f"[red]error:[/red] {notebook.source.relative_to(project_dir())}: {outcome.error} "
                          f"(the page with the traceback: {outcome.html})")
    return 1 if failed else 0
