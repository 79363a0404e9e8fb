"""The access a server has, read from its system tables and normalised to compare with the declaration.

`record` reads the rows of the system tables (and the warehouse's relations, which say what the declaration
means: which tables carry a cabinet, which layers hold views) into plain JSON-able rows: that is also the
file `parebrick access record` writes and `plan --current` reads. `state_from_rows` keeps what the plan
manages: roles and users in SQL-managed storage (not users.xml, which SQL cannot change), except the built-in
`default` user, and row policies on the warehouse's databases. Everything is compared as the server shows it
(privilege names as system.grants, filters as system.row_policies.select_filter), so a converged server
plans nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from parebrick.access.cabinets import TENANCY_COLUMN
from parebrick.access.declaration import AccessError

# Access entities SQL cannot create, alter or drop; and the user every server has.
READ_ONLY_STORAGE = "users_xml"
BUILT_IN_USER = "default"
VIEW_ENGINES = ("View", "MaterializedView", "LiveView", "WindowView")

ACCESS_QUERIES = {
    "roles": "SELECT name, storage FROM system.roles ORDER BY name",
    "users": "SELECT name, storage, default_roles_all FROM system.users ORDER BY name",
    "role_grants": "SELECT user_name, role_name, granted_role_name, with_admin_option FROM system.role_grants",
    "grants": "SELECT user_name, role_name, access_type, database, table, column, is_partial_revoke, grant_option "
              "FROM system.grants",
    "row_policies": "SELECT short_name, database, table, select_filter, is_restrictive, apply_to_all, "
                    "apply_to_list, apply_to_except, storage FROM system.row_policies",
}
RELATIONS_QUERY = (
    "SELECT database, name, engine, (database, name) IN "
    "(SELECT database, table FROM system.columns WHERE name = {column:String}) AS has_cabinet "
    "FROM system.tables WHERE database IN {databases:Array(String)} ORDER BY database, name")


@dataclass(frozen=True, order=True)
class Grant:
    """One row of system.grants; `table` None is the whole database, `database` None every database."""

    grantee: str
    privilege: str
    database: str | None
    table: str | None
    column: str | None = None
    grant_option: bool = False
    partial_revoke: bool = False

    def covers(self, other: Grant) -> bool:
        """Whether this grant already holds `other` (ClickHouse shows only the wider of the two)."""
        return (self.grantee == other.grantee and not self.partial_revoke and not other.partial_revoke
                and self.privilege in (other.privilege, "ALL") and self.grant_option >= other.grant_option
                and (self.database is None or (self.database == other.database
                                               and (self.table is None or (self.table == other.table
                                                                           and self.column is None)))))


@dataclass(frozen=True, order=True)
class Policy:
    """One row policy as system.row_policies shows it."""

    name: str
    database: str
    table: str
    condition: str
    to: tuple[str, ...]
    restrictive: bool = False
    to_all: bool = False
    to_except: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.database, self.table)


@dataclass(frozen=True, order=True)
class Relation:
    database: str
    name: str
    is_view: bool
    has_cabinet: bool


@dataclass(frozen=True)
class AccessState:
    roles: frozenset[str]
    # Managed user -> whether all its granted roles are its default roles.
    users: dict[str, bool]
    # (grantee, granted role)
    role_grants: frozenset[tuple[str, str]]
    grants: frozenset[Grant]
    policies: frozenset[Policy]
    relations: tuple[Relation, ...]
    current_user: str


def record(client: Client, databases: Iterable[str]) -> dict[str, Any]:
    """The rows of the server's access tables and the warehouse's relations, as JSON-able dictionaries."""
    rows: dict[str, Any] = {"current_user": client.command("SELECT currentUser()")}
    for name, query in ACCESS_QUERIES.items():
        result = client.query(query)
        rows[name] = [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]
    result = client.query(RELATIONS_QUERY, parameters={"column": TENANCY_COLUMN, "databases": sorted(set(databases))})
    rows["tables"] = [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]
    return rows


def save_rows(rows: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(rows, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")


def load_rows(path: Path) -> dict[str, Any]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccessError(f"cannot read the recorded state {path}: {exc}") from None
    missing = sorted({"current_user", "tables", *ACCESS_QUERIES} - set(rows))
    if missing:
        raise AccessError(f"{path} is no recorded access state: it has no {missing[0]!r}")
    return rows


def state_from_rows(rows: dict[str, Any], databases: Iterable[str]) -> AccessState:
    """The managed part of a recorded state, normalised; `databases` are the warehouse's."""
    warehouse = set(databases)
    current_user = str(rows["current_user"])
    roles = frozenset(row["name"] for row in rows["roles"] if row["storage"] != READ_ONLY_STORAGE)
    users = {row["name"]: bool(row["default_roles_all"]) for row in rows["users"]
             if row["storage"] != READ_ONLY_STORAGE and row["name"] != BUILT_IN_USER}
    managed = roles | set(users)

    def grantee(row: dict[str, Any]) -> str:
        return str(row["user_name"] if row["user_name"] is not None else row["role_name"])

    role_grants = frozenset((grantee(row), row["granted_role_name"]) for row in rows["role_grants"]
                            if grantee(row) in managed)
    grants = frozenset(Grant(grantee(row), row["access_type"], row["database"], row["table"], row["column"],
                             bool(row["grant_option"]), bool(row["is_partial_revoke"]))
                       for row in rows["grants"] if grantee(row) in managed)
    policies = frozenset(
        Policy(row["short_name"], row["database"], row["table"], row["select_filter"] or "",
               tuple(sorted(row["apply_to_list"] or ())), bool(row["is_restrictive"]), bool(row["apply_to_all"]),
               tuple(sorted(row["apply_to_except"] or ())))
        for row in rows["row_policies"] if row["storage"] != READ_ONLY_STORAGE and row["database"] in warehouse)
    relations = tuple(sorted(Relation(row["database"], row["name"], row["engine"] in VIEW_ENGINES,
                                      bool(row["has_cabinet"])) for row in rows["tables"]))
    return AccessState(roles, users, role_grants, grants, policies, relations, current_user)
