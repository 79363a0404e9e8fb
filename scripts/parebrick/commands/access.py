"""`parebrick access`: the warehouse's access, generated from the project's declarations.

`plan` prints the SQL that converges the server target's roles, users, grants and row policies to
access.yml (with the cabinets' roles and policies), `apply` runs it, `record` saves the server's current
access as JSON for `plan --current`. `row-policies` prints the cabinets' part alone, as idempotent SQL.
The embedded engine has no users: there each says so in one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clickhouse_connect.driver.exceptions import ClickHouseError
from rich.console import Console

from parebrick.commands.common import open_target, print_plain, root_cause

if TYPE_CHECKING:
    from clickhouse_connect.driver.client import Client

    from parebrick.access.declaration import Declaration
    from parebrick.access.plan import Statement
    from parebrick.layers import Layer


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

    plan = actions.add_parser(
        "plan", help="print the SQL that converges the server's access to access.yml",
        description="Compares access.yml (and the cabinets' roles and policies) with the server's roles, users, "
                    "grants and row policies, and prints what creates, alters, revokes and drops the difference. "
                    "A password is printed as the name of its environment variable.")
    _common(plan)
    plan.add_argument("--current", type=Path, default=None,
                      help="compare with a state saved by `parebrick access record` instead of the server's own")
    plan.set_defaults(func=run_plan)
    apply = actions.add_parser("apply", help="run the plan on the server and print each statement it ran",
                               description="Reads the server's access, plans, and runs the plan statement by "
                                           "statement; the user it connects as is never dropped.")
    _common(apply)
    apply.set_defaults(func=run_apply)
    recorder = actions.add_parser("record", help="save the server's current access (and its tables) as JSON")
    recorder.add_argument("--target", default=None, help="dbt target of the parebrick profile")
    recorder.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    recorder.set_defaults(func=run_record)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", default=None, help="dbt target of the parebrick profile (default: the profile's)")
    parser.add_argument("--file", type=Path, default=None, help="the access declaration (default: access.yml)")
    parser.add_argument("--reset-password", action="append", default=[], metavar="USER",
                        help="set USER's password again from its variable (the server never shows a hash)")


def run_row_policies(args: argparse.Namespace) -> int:
    from parebrick.access.cabinets import CabinetsError, read_cabinets
    from parebrick.access.row_policies import cabinet_policies, isolated_tables, server_statements
    from parebrick.layers import load_layers
    from parebrick.profile import ProfileError, load_target

    console = Console(width=max(Console().width, 100))

    say = partial(print_plain, console)

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


def run_plan(args: argparse.Namespace) -> int:
    return _planned(args, execute=False)


def run_apply(args: argparse.Namespace) -> int:
    args.current = None
    return _planned(args, execute=True)


def _planned(args: argparse.Namespace, *, execute: bool) -> int:
    from parebrick.access.cabinets import CabinetsError, read_cabinets
    from parebrick.access.declaration import AccessError, read_declaration
    from parebrick.access.desired import desired_state
    from parebrick.access.plan import plan
    from parebrick.access.state import load_rows, state_from_rows
    from parebrick.layers import LayersError, load_layers
    from parebrick.profile import ProfileError, load_target

    console = Console(width=max(Console().width, 100))
    say = partial(print_plain, console)
    try:
        target = load_target(args.target)
        if target.is_embedded:
            say(_NO_USERS.format(target=target.name))
            return 0
        declaration = read_declaration(args.file)
        cabinets = read_cabinets()
        layers = load_layers()
        rows = load_rows(args.current) if args.current else None
    except (ProfileError, CabinetsError, AccessError, LayersError) as exc:
        say(f"error: {exc}")
        return 1
    client = None
    if rows is None:
        opened = open_target(console, target.name)
        if opened is None:
            return 1
        client = opened[1]
    try:
        if rows is None:
            rows = _read_access(client, [layer.database for layer in layers], say)
            if rows is None:
                return 1
        current = state_from_rows(rows, _warehouse_databases(layers, declaration))
        statements = plan(desired_state(declaration, layers, cabinets, current), current,
                          reset_passwords=args.reset_password)
        if not execute:
            _print_plan(say, target.name, [statement.shown() for statement in statements])
            return 0
        return _apply(client, statements, say)
    except (AccessError, CabinetsError) as exc:
        say(f"error: {exc}")
        return 1
    finally:
        if client is not None:
            client.close()


_NO_USERS = ("target {target!r} is the embedded engine, which has no users or roles: access is declared "
             "for the server target")


def _warehouse_databases(layers: tuple[Layer, ...], declaration: Declaration) -> set[str]:
    """The databases whose row policies the plan manages: the layers' and the ones access.yml names."""
    named = {database for role in declaration.roles.values() for spec in role.grants for database in spec.databases}
    return {layer.database for layer in layers} | named


def _read_access(client: Client, databases: list[str], say: Callable[[str], None]) -> dict[str, Any] | None:
    from parebrick.access.state import record

    try:
        return record(client, databases)
    except ClickHouseError as exc:
        say(f"error: cannot read the server's users, roles, grants and row policies (the user needs access "
            f"management): {root_cause(exc)}")
        return None


def _print_plan(say: Callable[[str], None], target: str, statements: list[str]) -> None:
    if not statements:
        say(f"-- target {target!r} already has the declared access: nothing to change")
        return
    say(f"-- {len(statements)} statements converge target {target!r} to the access declaration")
    for statement in statements:
        say(statement + ";")


def _apply(client: Client | None, statements: list[Statement], say: Callable[[str], None]) -> int:
    from parebrick.access.declaration import AccessError
    from parebrick.access.plan import password_hash

    assert client is not None, "apply reads the server's own state, so it always has a client"
    if not statements:
        say("-- the server already has the declared access: nothing to change")
        return 0
    for number, statement in enumerate(statements, 1):
        try:
            sql = statement.executed()
        except AccessError as exc:
            say(f"error: {exc}")
            return 1
        try:
            client.command(sql)
        except ClickHouseError as exc:
            reason = root_cause(exc)
            if statement.secret_env:
                reason = reason.replace(password_hash(statement.secret_env), f"<{statement.secret_env}>")
            say(f"error: statement {number} of {len(statements)} failed, {statement.shown()}: {reason}"
                + (f" (the {number - 1} before it were applied)" if number > 1 else ""))
            return 1
        say(statement.shown() + ";")
    say(f"-- applied {len(statements)} statements")
    return 0


def run_record(args: argparse.Namespace) -> int:
    from parebrick.access.state import save_rows
    from parebrick.layers import LayersError, load_layers
    from parebrick.profile import ProfileError, load_target

    console = Console(width=max(Console().width, 100))
    say = partial(print_plain, console)
    try:
        target = load_target(args.target)
        layers = load_layers()
    except (ProfileError, LayersError) as exc:
        say(f"error: {exc}")
        return 1
    if target.is_embedded:
        say(_NO_USERS.format(target=target.name))
        return 0
    opened = open_target(console, target.name)
    if opened is None:
        return 1
    client = opened[1]
    try:
        rows = _read_access(client, [layer.database for layer in layers], say)
    finally:
        client.close()
    if rows is None:
        return 1
    save_rows(rows, args.out)
    say(f"-- recorded {len(rows['roles'])} roles, {len(rows['users'])} users, {len(rows['grants'])} grants, "
        f"{len(rows['row_policies'])} row policies and {len(rows['tables'])} tables of target "
        f"{target.name!r} in {args.out}")
    return 0
