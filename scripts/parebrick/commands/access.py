"""`parebrick access`: the warehouse's access, generated from the project's declarations.

`row-policies` prints the SQL that isolates the installation-monitoring cabinets on the server target: a
role per cabinet, and a row policy per cabinet on every table that carries the cabinet.
"""

from __future__ import annotations

import argparse

from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console

from parebrick.commands.common import open_target, root_cause


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("access", help="the warehouse's roles and row policies, generated from the project")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    policies = actions.add_parser(
        "row-policies", help="print the SQL of the smart cabinets' roles and row policies (server target)",
        description="Generated from the cabinets dictionary (seeds/dim/dim_smart_cabinets.csv) and the target's "
                    "tables that have a `cabinet` column: a branch cabinet's role reads its own rows, a head "
                    "cabinet's its own and its branches'. Rerunning the SQL changes nothing. The roles' grants "
                    "are not part of it.",
    )
    policies.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    policies.set_defaults(func=run_row_policies)


def run_row_policies(args: argparse.Namespace) -> int:
    from parebrick.access.cabinets import CabinetsError, read_cabinets
    from parebrick.access.row_policies import cabinet_policies, isolated_tables, server_statements
    from parebrick.layers import load_layers
    from parebrick.profile import ProfileError, load_target

    console = Console(width=max(Console().width, 100))

    def say(text: str) -> None:
        console.print(text, highlight=False, soft_wrap=True, markup=False)

    try:
        target = load_target(args.target)
        cabinets = read_cabinets()
    except (ProfileError, CabinetsError, OSError) as exc:
        say(f"error: {exc}")
        return 1
    if target.is_embedded:
        say(f"target {target.name!r} is the embedded engine, which has no users or roles to give row policies; "
            "run this with the server target")
        return 0
    opened = open_target(console, target.name)
    if opened is None:
        return 1
    _, client = opened
    try:
        tables = isolated_tables(client, [layer.database for layer in load_layers()])
    except ClickHouseError as exc:
        say(f"error: {root_cause(exc)}")
        return 1
    finally:
        client.close()
    say(f"-- {len(cabinets)} cabinets x {len(tables)} tables with a cabinet column, target {target.name!r}")
    for statement in server_statements(cabinet_policies(cabinets, tables)):
        say(statement + ";")
    return 0
