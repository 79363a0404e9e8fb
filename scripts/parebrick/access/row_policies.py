"""Per-cabinet row policies of the smart group, generated from the cabinets dictionary.

Every table of the warehouse that has the tenancy column (`cabinets.TENANCY_COLUMN`) gets one policy per
cabinet, filtering it to the cabinets that cabinet may see. Views get none: a view reads its tables with
the reader's rights, so the tables' policies filter every published smart view too.

On the server target the policies are SQL, one role per cabinet carrying them. The embedded engine has no
users or roles, but it applies the filters a users configuration declares to its one user: that is how the
filters are tried for real there (`write_embedded_config`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clickhouse_connect.driver.client import Client

from parebrick.access.cabinets import TENANCY_COLUMN, Cabinet, visible_cabinets

ROLE_PREFIX = "smart_cabinet_"


@dataclass(frozen=True, order=True)
class Table:
    database: str
    name: str

    def __str__(self) -> str:
        return f"{self.database}.{self.name}"


@dataclass(frozen=True)
class RowPolicy:
    """What one cabinet may read of one table."""

    cabinet: str
    table: Table
    visible: tuple[str, ...]

    @property
    def role(self) -> str:
        return role_name(self.cabinet)

    @property
    def condition(self) -> str:
        # Cabinet names are checked to be letters, digits and '-' (cabinets._NAME): safe as literals.
        return f"{TENANCY_COLUMN} IN ({', '.join(repr(name) for name in self.visible)})"


def role_name(cabinet: str) -> str:
    """The server role of a cabinet: `smart_cabinet_kodeks_spb` for `kodeks-spb`."""
    return ROLE_PREFIX + cabinet.replace("-", "_")


def isolated_tables(client: Client, databases: Iterable[str]) -> list[Table]:
    """The tables (not views) of these databases that carry the tenancy column."""
    result = client.query(
        "SELECT c.database, c.table FROM system.columns AS c "
        "INNER JOIN system.tables AS t ON t.database = c.database AND t.name = c.table "
        "WHERE c.name = {column:String} AND c.database IN {databases:Array(String)} "
        "AND t.engine NOT IN ('View', 'MaterializedView', 'LiveView', 'WindowView') "
        "ORDER BY c.database, c.table",
        parameters={"column": TENANCY_COLUMN, "databases": sorted(set(databases))},
    )
    return [Table(database, name) for database, name in result.result_rows]


def cabinet_policies(cabinets: Sequence[Cabinet], tables: Sequence[Table]) -> list[RowPolicy]:
    """One policy per cabinet and table, in cabinet then table order."""
    roles = [role_name(cabinet.name) for cabinet in cabinets]
    clashing = sorted({role for role in roles if roles.count(role) > 1})
    if clashing:
        raise ValueError(f"two cabinets would share the role {clashing[0]}")
    return [RowPolicy(cabinet.name, table, visible_cabinets(cabinet.name, tuple(cabinets)))
            for cabinet in sorted(cabinets, key=lambda c: c.name) for table in sorted(tables)]


def server_statements(policies: Sequence[RowPolicy]) -> list[str]:
    """The SQL that gives a server these roles and policies; rerunning it changes nothing."""
    roles = sorted({policy.role for policy in policies})
    return [*(f"CREATE ROLE IF NOT EXISTS {role}" for role in roles),
            *(f"CREATE ROW POLICY OR REPLACE {policy.role} ON {policy.table} FOR SELECT "
              f"USING {policy.condition} TO {policy.role}" for policy in policies)]


def write_embedded_config(policies: Sequence[RowPolicy], directory: Path) -> Path:
    """Write an engine configuration whose one user reads through these policies; return its path.

    They must be one cabinet's: the embedded engine has a single user, so it can wear one cabinet at a time.
    """
    cabinets = {policy.cabinet for policy in policies}
    if len(cabinets) != 1:
        raise ValueError(f"the embedded engine's one user takes the policies of one cabinet, got {sorted(cabinets)}")
    directory.mkdir(parents=True, exist_ok=True)
    users_file = directory / "users.xml"
    _write(users_file, _users_config(policies))
    config = ET.Element("clickhouse")
    ET.SubElement(config, "users_config").text = str(users_file.resolve())
    config_file = directory / "config.xml"
    _write(config_file, config)
    return config_file


def _users_config(policies: Sequence[RowPolicy]) -> ET.Element:
    """The engine's user `default` as a server's users.xml declares one, with a filter per table."""
    root = ET.Element("clickhouse")
    user = ET.SubElement(ET.SubElement(root, "users"), "default")
    ET.SubElement(user, "password")
    ET.SubElement(ET.SubElement(user, "networks"), "ip").text = "::1"
    ET.SubElement(user, "profile").text = "default"
    ET.SubElement(user, "quota").text = "default"
    databases = ET.SubElement(user, "databases")
    by_database: dict[str, ET.Element] = {}
    for policy in policies:
        database = by_database.get(policy.table.database)
        if database is None:
            database = by_database[policy.table.database] = ET.SubElement(databases, policy.table.database)
        ET.SubElement(ET.SubElement(database, policy.table.name), "filter").text = policy.condition
    ET.SubElement(ET.SubElement(root, "profiles"), "default")
    ET.SubElement(ET.SubElement(root, "quotas"), "default")
    return root


def _write(path: Path, root: ET.Element) -> None:
    ET.indent(root)
    path.write_text(ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
