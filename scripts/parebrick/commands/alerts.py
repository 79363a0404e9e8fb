"""`parebrick alerts send`: tell each new, repeated or resolved alert of installation monitoring to its
recipients by SMTP, recorded in the warehouse's ledger so that no rerun or crash tells anything twice."""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console

from parebrick.commands.common import open_target, print_plain, root_cause

if TYPE_CHECKING:
    from parebrick.alerts.compose import Message


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("alerts", help="notify installation-monitoring alerts (smart group) by SMTP")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send", help="send each due alert to its recipients: one message per recipient and priority",
        description="Reads views.v_smart_alerts and the ledger raw.smart_notifications; sends each alert to each "
                    "recipient once when new, again every var smart_repeat_hours while open, and once resolved. "
                    "SMTP settings come from the environment: PAREBRICK_SMTP_HOST, PAREBRICK_SMTP_PORT, "
                    "PAREBRICK_SMTP_STARTTLS (on/off), PAREBRICK_SMTP_FROM, and optionally PAREBRICK_SMTP_USER "
                    "with PAREBRICK_SMTP_PASSWORD.",
    )
    send.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    clock = send.add_mutually_exclusive_group()
    clock.add_argument("--now", type=_utc_time, default=None,
                       help="the run's clock, ISO-8601 (UTC unless it names a zone; default: the current time)")
    clock.add_argument("--as-of-sample", type=Path, default=None, metavar="MANIFEST",
                       help="the run's clock is the end of a generated sample's monitoring (the as_of of the smart "
                            "truth its manifest.json lists): its alerts are told as they stood when its data ends")
    send.add_argument("--repeat-hours", type=float, default=None,
                      help="tell an open alert again after this many hours (default: var smart_repeat_hours)")
    send.add_argument("--dry-run", action="store_true",
                      help="print what would be sent, per recipient; send and record nothing")
    send.set_defaults(func=run)


def _utc_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r}") from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _clock(args: argparse.Namespace) -> datetime:
    """The run's clock: --now, the sample's as-of moment, or the current time."""
    from parebrick.alerts.sample_clock import sample_as_of

    if args.now is not None:
        return args.now
    if args.as_of_sample is not None:
        return sample_as_of(args.as_of_sample)
    return datetime.now(timezone.utc)


def run(args: argparse.Namespace) -> int:
    from parebrick.alerts import ledger
    from parebrick.alerts.due import AlertsViewError, repeat_hours
    from parebrick.alerts.run import plan, send
    from parebrick.alerts.sample_clock import SampleClockError
    from parebrick.alerts.transport import SettingsError, SmtpSettings, SmtpTransport

    console = Console(width=max(Console().width, 100))

    say = partial(print_plain, console)

    settings = None
    if not args.dry_run:
        try:
            settings = SmtpSettings.from_env()
        except SettingsError as exc:
            say(f"error: {exc}")
            return 1
    try:
        now = _clock(args)
    except SampleClockError as exc:
        say(f"error: {exc}")
        return 1
    try:
        hours = args.repeat_hours if args.repeat_hours is not None else repeat_hours()
    except AlertsViewError as exc:
        say(f"error: {exc}")
        return 1
    opened = open_target(console, args.target)
    if opened is None:
        return 1
    target, client = opened
    try:
        if settings is not None:
            ledger.ensure(client, target.cluster)
        the_plan = plan(client, now, timedelta(hours=hours))
        if args.dry_run:
            say(f"dry run as of {now:%Y-%m-%d %H:%M} UTC: would send {len(the_plan.messages)} messages"
                + (f" ({len(the_plan.pending)} planned by an interrupted run)" if the_plan.pending else ""))
            _per_recipient(say, the_plan.messages)
            return 0
        assert settings is not None
        outcome = send(client, SmtpTransport(settings), the_plan)
    except (AlertsViewError, ClickHouseError) as exc:
        say(f"error: {root_cause(exc)}")
        return 1
    finally:
        client.close()
    say(f"alerts as of {now:%Y-%m-%d %H:%M} UTC: sent {len(outcome.sent)} of {len(the_plan.messages)} messages "
        f"via {settings.where}" + (f", {len(the_plan.pending)} of them left by an interrupted run"
                                   if the_plan.pending else ""))
    _per_recipient(say, outcome.sent)
    if not the_plan.messages:
        say("  nothing to tell: no alert is new, newly resolved or due a reminder "
            "(what earlier runs told is in raw.smart_notifications)")
    if outcome.error is not None:
        unsent = len(the_plan.messages) - len(outcome.sent)
        say(f"error: SMTP {settings.where}: {root_cause(outcome.error)}; the {unsent} unsent messages stay planned "
            "and go at the next run")
        return 1
    return 0


def _per_recipient(say: Callable[[str], None], messages: Sequence[Message]) -> None:
    """One line per recipient: how many messages and what they told."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for message in messages:
        counts[message.recipient]["messages"] += 1
        for item in message.items:
            counts[message.recipient][item.state] += 1
    for recipient in sorted(counts):
        c = counts[recipient]
        say(f"  {recipient}: {c['messages']} message(s), {c['new']} new, {c['repeat']} still open, "
            f"{c['resolved']} resolved")
