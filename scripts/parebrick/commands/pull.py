"""`parebrick pull omnichat`: pull chats from the Omnichat API into raw, from the cursor kept in the warehouse."""

from __future__ import annotations

import argparse
import os
from datetime import timedelta

from rich.console import Console

from parebrick.commands.common import open_target


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pull", help="pull API extracts (Omnichat chats) into raw")
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    omnichat = sources.add_parser(
        "omnichat", help="pull Omnichat chats changed since the last committed pull",
        description="Pages through GET <base>/api/v1/chats from the cursor of the last committed pull (minus an "
                    "overlap window) and commits the pull as one batch of raw.cms__omnichat_chats.",
    )
    omnichat.add_argument("--base-url", required=True, help="API base URL, e.g. http://127.0.0.1:8765")
    omnichat.add_argument("--token-env", default="OMNICHAT_TOKEN",
                          help="environment variable holding the bearer token (default OMNICHAT_TOKEN)")
    omnichat.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    omnichat.add_argument("--limit", type=int, default=500, help="items per page (default 500)")
    omnichat.add_argument("--overlap-minutes", type=float, default=10.0,
                          help="re-read this many minutes before the cursor (default 10)")
    omnichat.add_argument("--since", default=None,
                          help="ISO-8601 UTC time to pull from instead of the cursor (a backfill)")
    omnichat.add_argument("--quiet", action="store_true", help="print one line at the end")
    omnichat.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.load.pull import pull_omnichat

    console = Console(width=max(Console().width, 100))
    token = os.environ.get(args.token_env, "")
    if not token:
        console.print(f"[red]error:[/red] environment variable {args.token_env} is not set or empty (it holds the "
                      "Omnichat API token)", highlight=False)
        return 1
    opened = open_target(console, args.target)
    if opened is None:
        return 1
    target, client = opened

    def on_page(pages: int, rows: int) -> None:
        if not args.quiet and (pages == 1 or pages % 20 == 0):
            console.print(f"  page {pages}: {rows:,} items read".replace(",", " "), highlight=False)

    try:
        result = pull_omnichat(client, args.base_url, token, token_env=args.token_env, limit=args.limit,
                               overlap=timedelta(minutes=args.overlap_minutes), since=args.since,
                               exclusive=target.is_embedded, on_page=on_page,
                               cluster=target.cluster)
    finally:
        client.close()
    line = (f"omnichat pull {result.status}: {result.pages} pages, {result.rows_read} items read, "
            f"{result.rows_loaded} loaded, {result.rows_rejected} quarantined, {result.retries} retries, "
            f"from {result.since}, cursor {result.cursor or '(none)'}, {result.seconds:.1f} s")
    if result.status != "committed":
        console.print(f"[red]{line}[/red]\n[red]error:[/red] {result.reason}", highlight=False, soft_wrap=True)
        return 1
    console.print(line, highlight=False, soft_wrap=True)
    return 0
