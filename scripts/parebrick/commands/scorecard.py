"""`parebrick scorecard`: the scorecard's cards of one level and month, one per member, in the terminal.

A team lead or a director reads the same card as the dashboard shows: each component's value and score and
the integral score, from the published view `v_cc_scorecard_monthly` (the scores are computed once, in
the warehouse; this command only lays them out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parebrick.analyses import PublishedViewError, read_view
from parebrick.commands.common import root_cause
from parebrick.embedded import WarehouseBusyError
from parebrick.profile import ProfileError

SCORECARD_VIEW = "v_cc_scorecard_monthly"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ScorecardError(ValueError):
    """A level, month or member the view does not have, said in one line."""


@dataclass(frozen=True)
class Component:
    """One line of a card: how the view's value and score columns are shown."""

    label: str
    value: str
    score: str
    digits: int


# The components in the order of the cards (macros/metrics/scorecard.sql declares what they are).
COMPONENTS: tuple[Component, ...] = (
    Component("Handled per scheduled hour", "handled_per_hour", "handled_score", 2),
    Component("AHT, s", "aht_sec", "aht_score", 0),
    Component("FCR, %", "fcr_pct", "fcr_score", 1),
    Component("Occupancy, %", "occupancy_pct", "occupancy_score", 1),
    Component("Service level, %", "service_level_pct", "service_level_score", 1),
    Component("CSAT (1-5)", "csat_avg", "csat_score", 2),
)
_CARD_COLUMNS = ["report_month", "level", "level_order", "member", "parent", "handled", "integral_score",
                 *(c.value for c in COMPONENTS), *(c.score for c in COMPONENTS)]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scorecard",
        help="print the scorecard's cards of one level (operator … center) and month",
        description=f"Print one card per member of a level: each component's value and score (0-100) and "
                    f"the integral score, read from {SCORECARD_VIEW}.",
    )
    parser.add_argument("--level", required=True,
                        help="operator, team, service_territory, territory, macro_region or center")
    parser.add_argument("--month", help="YYYY-MM (default: the latest month in the view)")
    parser.add_argument("--member", help="only this member (an operator's login, a team, service/territory …)")
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = Console(width=max(Console().width, 100))
    try:
        cards = load_cards(args.level, args.month, args.member, args.target)
    except ScorecardError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 1
    except (PublishedViewError, ProfileError, WarehouseBusyError, ClickHouseError, OSError) as exc:
        console.print(f"[red]error:[/red] cannot read {SCORECARD_VIEW}: {root_cause(exc)}",
                      highlight=False, soft_wrap=True)
        return 1
    for _, row in cards.iterrows():
        console.print(card(row))
    return 0


def load_cards(level: str, month: str | None, member: str | None, target: str | None) -> pd.DataFrame:
    """The view's rows of the level and month (and member), best integral score first."""
    index = read_view(SCORECARD_VIEW, columns=["report_month", "level", "level_order"], target=target)
    levels = index.drop_duplicates("level").sort_values("level_order")["level"].tolist()
    if level not in levels:
        raise ScorecardError(f"no level {level!r} in {SCORECARD_VIEW}; the levels are: {', '.join(levels) or 'none'}")
    months = sorted({pd.Timestamp(m).date() for m in index["report_month"]})
    chosen = parse_month(month) if month else months[-1]
    if chosen not in months:
        raise ScorecardError(f"no month {chosen:%Y-%m} in {SCORECARD_VIEW}; the months are: "
                             f"{', '.join(f'{m:%Y-%m}' for m in months)}")
    where = "level = {level:String} AND report_month = {month:Date}"
    parameters: dict[str, object] = {"level": level, "month": chosen}
    if member is not None:
        where += " AND member = {member:String}"
        parameters["member"] = member
    rows = read_view(SCORECARD_VIEW, columns=_CARD_COLUMNS, where=where, parameters=parameters,
                     order_by="integral_score DESC NULLS LAST, member, parent", target=target)
    if rows.empty:
        raise ScorecardError(f"no member {member!r} at level {level!r} in {chosen:%Y-%m}")
    return rows


def parse_month(text: str) -> dt.date:
    """The first day of a YYYY-MM month, or a ScorecardError saying the expected form."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ScorecardError(f"--month {text!r} is not a month in the form YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def card(row: pd.Series) -> Panel:
    """One member's card: a line per component (value, score) and the integral score."""
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("component")
    table.add_column("value", justify="right")
    table.add_column("score", justify="right")
    for component in COMPONENTS:
        table.add_row(component.label, number(row[component.value], component.digits),
                      number(row[component.score], 0))
    table.add_row("[bold]Integral score[/bold]", "", f"[bold]{number(row['integral_score'], 0)}[/bold]")
    month = pd.Timestamp(row["report_month"]).date()
    parent = row["parent"] if isinstance(row["parent"], str) else "—"
    who = row["member"] if row["member"] == row["level"] else f"{row['level']} {row['member']}"
    heading = Text(f"parent: {parent}   handled: {int(row['handled']):,}".replace(",", " "))
    return Panel(Group(heading, table), title=f"{who} — {month:%Y-%m}", title_align="left", expand=False)

def number(value: object, digits: int) -> str:
    """A published number, or n/a where the view has NULL (no denominator, no score)."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"{float(value):,.{digits}f}".replace(",", " ")

