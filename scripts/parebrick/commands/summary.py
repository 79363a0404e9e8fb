"""`parebrick summary`: what the warehouse holds, layer by layer, and where it lives."""

from __future__ import annotations

import argparse

from clickhouse_connect.driver.client import Client
from rich.console import Console
from rich.table import Table

from parebrick.commands.common import open_target
from parebrick.layers import LayersError, load_layers

# The headline numbers, as the warehouse publishes them: the national daily totals (every service and
# territory per local date, rates computed once by the metric macros; docs/metrics.md): the newest whole
# day (the view's is_whole_day, metric_is_whole_day) and the partial days after it, newest first.
NATIONAL_DAILY_VIEW = "v_cc_national_daily"
_DAILY_SQL = """
SELECT report_date, offered, handled, abandoned, service_level_pct, is_whole_day
FROM {database:Identifier}.{view:Identifier}
WHERE report_date >= (SELECT max(report_date) FROM {database:Identifier}.{view:Identifier} WHERE is_whole_day)
ORDER BY report_date DESC
"""
# The saas headline: the cloud service's churn over every segment per month (v_saas_churn_total_monthly, rates
# computed from the sums by the metric macros), the newest month the data cover whole (the view says which).
SAAS_TOTAL_VIEW = "v_saas_churn_total_monthly"
_SAAS_SQL = """
SELECT report_month, active_end, logo_churn_pct, net_mrr_churn_pct
FROM {database:Identifier}.{view:Identifier}
WHERE is_complete_month
ORDER BY report_month DESC
LIMIT 1
"""
# The campaigns' headline: the best segment to offer a product to next (v_mkt_segment_priority: ranked only where
# the uplift's p-value is below var('mkt_alpha')), the most incremental contracts per 1000 members first.
SEGMENT_PRIORITY_VIEW = "v_mkt_segment_priority"
_SEGMENT_SQL = """
SELECT offer_product_code, segment_code, uplift_pp, uplift_ci_low_pp, uplift_ci_high_pp, incremental_per_1000
FROM {database:Identifier}.{view:Identifier}
WHERE priority_rank IS NOT NULL
ORDER BY incremental_per_1000 DESC, offer_product_code, segment_code
LIMIT 1
"""
_INVENTORY_SQL = """
SELECT database,
       countIf(NOT (engine LIKE '%View')) AS tables,
       countIf(engine LIKE '%View') AS views,
       sum(ifNull(total_rows, 0)) AS table_rows
FROM system.tables
WHERE database IN {databases:Array(String)}
GROUP BY database
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("summary", help="show what the warehouse holds, layer by layer")
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = Console(width=max(Console().width, 100))
    try:
        # The databases of the layers and what they hold, in the order data flows through them.
        layers = load_layers()
        layer_databases = [(layer.database, layer.holds) for layer in layers]
        views_database = next(layer.database for layer in layers if layer.name == "view")
    except LayersError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 1
    opened = open_target(console, args.target)
    if opened is None:
        return 1
    target, client = opened
    try:
        databases = [name for name, _ in layer_databases]
        rows = client.query(_INVENTORY_SQL, parameters={"databases": databases}).result_rows
        days = _query_if_view_exists(client, views_database, NATIONAL_DAILY_VIEW, _DAILY_SQL)
        saas_months = _query_if_view_exists(client, views_database, SAAS_TOTAL_VIEW, _SAAS_SQL)
        segments = _query_if_view_exists(client, views_database, SEGMENT_PRIORITY_VIEW, _SEGMENT_SQL)
    finally:
        client.close()
    found = {database: (tables, views, table_rows) for database, tables, views, table_rows in rows}

    table = Table(title=f"Parebrick DW — target {target.name}", title_justify="left")
    table.add_column("database")
    table.add_column("holds")
    table.add_column("tables", justify="right")
    table.add_column("views", justify="right")
    table.add_column("rows in tables", justify="right")
    for database, meaning in layer_databases:
        tables, views, table_rows = found.get(database, (0, 0, 0))
        table.add_row(database, meaning, str(tables), str(views), _count(table_rows))
    console.print(table)
    where = target.warehouse_path() if target.is_embedded else f"{target.config.get('host')}:{target.config.get('port')}"
    console.print(f"Warehouse: {where}", highlight=False)
    if days:
        partial = [row for row in days if not row[-1]]
        if days[-1][-1]:
            day, offered, handled, abandoned, service_level_pct, _ = days[-1]
            console.print(
                f"Latest full day {day}: offered {_count(offered)}, handled {_count(handled)}, "
                f"abandoned {_count(abandoned)}, service level {_percent(service_level_pct)}",
                highlight=False,
            )
        for day, offered, *_ in partial:
            console.print(f"  {day} holds only {offered} offered contacts: a partial day, left out", highlight=False)
    if saas_months:
        month, active, logo_churn_pct, net_mrr_churn_pct = saas_months[0]
        console.print(
            f"SaaS, last full month {month:%Y-%m}: {_count(active)} active companies, "
            f"logo churn {_percent(logo_churn_pct)}, net MRR churn {_percent(net_mrr_churn_pct)}",
            highlight=False,
            soft_wrap=True,  # one line whatever the terminal's width: scripts and tests read it whole
        )
    if segments:
        offer, segment, uplift_pp, low_pp, high_pp, per_1000 = segments[0]
        console.print(
            f"Campaigns, best segment {offer} × {segment}: uplift {_points(uplift_pp)} "
            f"(95 % interval {_points(low_pp)} to {_points(high_pp)}), "
            f"{per_1000:.1f} incremental contracts per 1000 members",
            highlight=False,
            soft_wrap=True,
        )
    return 0


def _query_if_view_exists(client: Client, database: str, view: str, sql: str) -> list[tuple]:
    """The rows of a headline query, or none when the view is not built (a warehouse of other groups only)."""
    names = {"database": database, "view": view}
    if client.command("EXISTS TABLE {database:Identifier}.{view:Identifier}", parameters=names) != 1:
        return []
    return client.query(sql, parameters=names).result_rows


def _count(value: int) -> str:
    """A count with its digits grouped in threes by spaces, as the team writes numbers (12 156)."""
    return f"{value:,}".replace(",", " ")


def _percent(value: float | None) -> str:
    """A published rate: NULL (no denominator, as the pct macro gives) is no number."""
    return "n/a" if value is None else f"{value:.1f} %"


def _points(value: float) -> str:
    """A difference of two rates in percentage points, with its sign (an uplift can be negative)."""
    return f"{value:+.1f} pp"
