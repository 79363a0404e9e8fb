"""`parebrick omnichat-api`: serve generated chats the way the Omnichat HTTP API does (SOURCES.md).

A development double for the loaders: bound to 127.0.0.1 only, token taken from an environment variable
(never from the command line, where it would land in shell history and `ps`), faults on request.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("omnichat-api", help="serve generated chats over the Omnichat API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0 = any free)")
    parser.add_argument("--data", type=Path, required=True,
                        help="a `parebrick generate --out` folder or a chats.jsonl file")
    parser.add_argument("--token-env", default="OMNICHAT_TOKEN",
                        help="environment variable holding the bearer token (default OMNICHAT_TOKEN)")
    parser.add_argument("--rate-limit-every", type=int, default=0, metavar="N",
                        help="answer every Nth request with 429 and Retry-After (0 = never)")
    parser.add_argument("--retry-after", type=int, default=1, metavar="S", help="Retry-After seconds (default 1)")
    parser.add_argument("--fail-every", type=int, default=0, metavar="M",
                        help="answer every Mth request with a 5xx (0 = never)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.omnichat.server import Faults, OmnichatError, serve_forever

    token = os.environ.get(args.token_env, "")
    if not token:
        print(f"error: environment variable {args.token_env} is not set or empty (it holds the API token)",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"error: --port must be 0..65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        faults = Faults(args.rate_limit_every, args.retry_after, args.fail_every)
        serve_forever(args.data, token, args.port, faults)
    except OmnichatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
