"""`parebrick smtp-sink`: a local SMTP server that keeps every message in a Maildir (parebrick.alerts.sink),
for sending the alerts somewhere a person can read them when there is no mail server (`make demo`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "smtp-sink", help="accept mail on a loopback port and keep it in a Maildir (no relay, TLS or login)",
        description="Runs until SIGTERM or SIGINT (Ctrl-C). Every accepted message is written to the Maildir "
                    "as received, its envelope in the X-MailFrom and X-RcptTo headers.")
    parser.add_argument("--port", type=int, required=True, help="the port to listen on (1..65535)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--mailbox", type=Path, required=True, metavar="DIR",
                        help="the Maildir to keep the messages in (created if missing; earlier messages are kept)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from parebrick.alerts.sink import SinkError, serve

    def ready() -> None:
        # The Makefile waits for this line: it means the port is bound by this sink, not by someone else.
        print(f"smtp-sink: accepting mail on {args.host}:{args.port} into the Maildir {args.mailbox}; "
              "stop with Ctrl-C or SIGTERM", flush=True)

    try:
        handler = serve(args.mailbox, args.host, args.port, ready)
    except SinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port} or write {args.mailbox}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    print(f"smtp-sink: stopped; {handler.accepted} messages accepted, {handler.held()} in {args.mailbox}",
          flush=True)
    return 0
