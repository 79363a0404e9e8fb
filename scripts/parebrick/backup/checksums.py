"""What each table of a backup holds, as a row count and an order-free checksum, to compare a restore with.

The checksum is the wrapping sum of every row's cityHash64: independent of row and part order, and a row
present twice counts twice (an XOR would cancel it). Engines that merge rows (Replacing-, Summing-, …) are
read with FINAL, so a merge between backup and check changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

# The engine's own databases: not the warehouse's, and re-created by every engine.
ENGINE_DATABASES = ("system", "information_schema", "INFORMATION_SCHEMA")
# Engines that keep rows of their own in the backup. The others hold none to compare: views and materialized
# views are definitions (their TO tables are counted), Null discards what it is sent (the loaders' entry
# tables), and Merge, Distributed, Buffer, Dictionary and the external-table engines read rows kept elsewhere.
_DATA_ENGINES_SQL = "(engine LIKE '%MergeTree' OR engine IN ('Memory', 'Log', 'TinyLog', 'StripeLog'))"


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: int


def warehouse_databases(client: Client) -> list[str]:
    """The databases a backup takes: every one but the engine's own, and `default` only when it has tables."""
    excluded = ", ".join(f"'{name}'" for name in ENGINE_DATABASES)
    rows = client.query(
        f"SELECT name FROM system.databases WHERE name NOT IN ({excluded}) "
        "AND (name != 'default' OR name IN (SELECT database FROM system.tables WHERE database = 'default')) "
        "ORDER BY name").result_rows
    return [str(row[0]) for row in rows]


def data_tables(client: Client, databases: list[str]) -> list[tuple[str, str, str]]:
    """(database, table, engine) of the tables in `databases` whose engine keeps rows."""
    if not databases:
        return []
    listed = ", ".join("'" + name.replace("'", "\\'") + "'" for name in databases)
    result = client.query(f"SELECT database, name, engine FROM system.tables WHERE database IN ({listed}) "
                          f"AND NOT is_temporary AND {_DATA_ENGINES_SQL} ORDER BY database, name")
    return [(str(d), str(t), str(e)) for d, t, e in result.result_rows]


def table_sums(client: Client, databases: list[str], *, renamed: dict[str, str] | None = None) -> dict[str, TableSum]:
    """Every data table of `databases`, by `database.table`, with its row count and checksum. `renamed` maps a
    database as recorded to where it is read now (a verify restores under other names on a server)."""
    renamed = renamed or {}
    reading = [renamed.get(name, name) for name in databases]
    original = {renamed.get(name, name): name for name in databases}
    sums: dict[str, TableSum] = {}
    for database, table, engine in data_tables(client, reading):
        final = " FINAL" if engine != "MergeTree" and engine.endswith("MergeTree") else ""
        rows, checksum = client.query(
            f"SELECT count(), sum(cityHash64(*)) FROM `{database}`.`{table}`{final}").result_rows[0]
        sums[f"{original[database]}.{table}"] = TableSum(int(rows), int(checksum or 0))
    return sums


def differences(recorded: dict[str, TableSum], found: dict[str, TableSum]) -> list[str]:
    """One line per table whose restore differs from the record (missing, extra, other rows or checksum)."""
    lines = []
    for name in sorted(set(recorded) | set(found)):
        want, have = recorded.get(name), found.get(name)
        if have is None:
            lines.append(f"{name}: in the record, missing after the restore")
        elif want is None:
            lines.append(f"{name}: restored, not in the record")
        elif want != have:
            lines.append(f"{name}: recorded {want.rows} rows (checksum {want.checksum}), "
                         f"restored {have.rows} rows (checksum {have.checksum})")
    return lines
