"""Isolation of the installation-monitoring cabinets (smart group): a branch sees its rows, a head cabinet
its own and its branches', whatever table or published view it reads.

The row policies are generated from the cabinets dictionary. The embedded engine applies the filters of a
users configuration to its one user, so each cabinet's filters are tried for real on the built smart sample:
a process opens the warehouse wearing that cabinet's policies and counts every smart view's and table's rows
per cabinet, which must equal the unrestricted counts of the cabinets it may see, and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, Warehouse, run_tool, start_clickhouse_server

from parebrick.access.cabinets import CabinetsError, read_cabinets, visible_cabinets
from parebrick.access.row_policies import (
    Table,
    cabinet_policies,
    isolated_tables,
    server_statements,
    write_embedded_config,
)
from parebrick.layers import load_layers

HEADER = "cabinet,distributor,branch,high_priority_mailbox,usage_mailbox,is_branch\n"
READER = Path(__file__).with_name("read_as_cabinet.py")


def dictionary(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "cabinets.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_branch_sees_itself_its_head_sees_its_branches_and_a_lone_cabinet_itself(tmp_path: Path):
    cabinets = read_cabinets(dictionary(
        tmp_path,
        "north,north,,a@north.example,u@north.example,0",
        "north-one,north,one,a1@north.example,u1@north.example,1",
        "north-two,north,two,a2@north.example,u2@north.example,1",
        "south,south,,a@south.example,u@south.example,0"))
    assert visible_cabinets("north-one", cabinets) == ("north-one",)
    assert visible_cabinets("north", cabinets) == ("north", "north-one", "north-two")
    assert visible_cabinets("south", cabinets) == ("south",)
    with pytest.raises(CabinetsError, match="no cabinet 'west'"):
        visible_cabinets("west", cabinets)


@pytest.mark.parametrize(("rows", "message"), [
    (["north,north,,a,u,0", "north-one,north,one,a,u,0"], "distributor 'north' has 2 cabinets that are not branches"),
    (["north-one,north,one,a,u,1"], "distributor 'north' has 0 cabinets"),
    (["north,north,,a,u,yes"], "is_branch 'yes'"),
    (["north,north,,a,u,0", "north,north,,b,v,0"], "'north' is listed more than once"),
    (["north') OR 1 --,north,,a,u,0"], "names are lower-case Latin letters"),
])
def test_a_dictionary_that_cannot_say_who_sees_what_is_refused(tmp_path: Path, rows: list[str], message: str):
    with pytest.raises(CabinetsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_cabinets(dictionary(tmp_path, *rows))


def test_the_server_sql_gives_each_cabinet_a_role_and_a_policy_per_table(tmp_path: Path):
    cabinets = read_cabinets(dictionary(tmp_path, "north,north,,a,u,0", "north-one,north,one,a,u,1"))
    statements = server_statements(cabinet_policies(cabinets, [Table("detail", "dtl_smart__alerts")]))
    assert statements == [
        "CREATE ROLE IF NOT EXISTS smart_cabinet_north",
        "CREATE ROLE IF NOT EXISTS smart_cabinet_north_one",
        "CREATE ROW POLICY OR REPLACE smart_cabinet_north ON detail.dtl_smart__alerts FOR SELECT "
        "USING cabinet IN ('north', 'north-one') TO smart_cabinet_north",
        "CREATE ROW POLICY OR REPLACE smart_cabinet_north_one ON detail.dtl_smart__alerts FOR SELECT "
        "USING cabinet IN ('north-one') TO smart_cabinet_north_one",
    ]


def counts_per_cabinet(warehouse: Warehouse, relations: list[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for relation in relations:
        _, rows = warehouse.rows(f"SELECT cabinet, count() FROM {relation} GROUP BY cabinet")
        counts[relation] = dict(rows)
    return counts


@pytest.fixture(scope="module")
def smart_relations(smart_warehouse: Warehouse) -> tuple[list[Table], list[str]]:
    """The smart sample's tables that carry the cabinet, and its published views."""
    client = smart_warehouse.client()
    try:
        tables = isolated_tables(client, [layer.database for layer in load_layers(REPO)])
        views = [f"views.{name}" for (name,) in client.query(
            "SELECT name FROM system.tables WHERE database = 'views' AND name LIKE 'v\\_smart\\_%'").result_rows]
        group_tables = {Table(database, name) for database, name in client.query(
            "SELECT database, name FROM system.tables WHERE database IN {databases:Array(String)} "
            "AND name LIKE '%smart%' AND engine NOT IN ('View', 'MaterializedView')",
            parameters={"databases": [layer.database for layer in load_layers(REPO)]}).result_rows}
    finally:
        client.close()
    assert sorted(views) == ["views.v_smart_alerts", "views.v_smart_installations", "views.v_smart_usage_daily"]
    # Every table of the group carries its cabinet, so every one of them gets the policies.
    assert group_tables and group_tables == set(tables)
    return tables, views


def test_every_cabinet_reads_every_smart_view_and_table_through_its_policies_only(
        smart_warehouse: Warehouse, smart_relations: tuple[list[Table], list[str]], tmp_path: Path):
    tables, views = smart_relations
    relations = views + [str(table) for table in tables]
    everything = counts_per_cabinet(smart_warehouse, relations)
    cabinets = read_cabinets()
    policies = cabinet_policies(cabinets, tables)
    for cabinet in cabinets:
        config = write_embedded_config([p for p in policies if p.cabinet == cabinet.name], tmp_path / cabinet.name)
        seen = read_as(smart_warehouse, config, relations)
        visible = set(visible_cabinets(cabinet.name, cabinets))
        for relation in relations:
            expected = {name: rows for name, rows in everything[relation].items() if name in visible}
            assert seen[relation] == expected, f"{cabinet.name} reading {relation}"
        # Not vacuous: each cabinet has installations, and a head cabinet reads its branches' too.
        assert seen["views.v_smart_installations"], cabinet.name
        if len(visible) > 1:
            assert set(seen["views.v_smart_installations"]) == visible


def read_as(warehouse: Warehouse, config: Path, relations: list[str]) -> dict[str, dict[str, int]]:
    """Counts per cabinet as a process opening the warehouse with this engine configuration reads them."""
    result = subprocess.run([sys.executable, str(READER), str(warehouse.path), str(config), *relations],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_command_prints_the_policies_of_the_servers_tables_and_says_the_embedded_engine_has_none(
        smart_warehouse: Warehouse, smart_relations: tuple[list[Table], list[str]]):
    tables, _ = smart_relations
    local = run_tool(["parebrick", "access", "row-policies", "--target", "local"], cwd=REPO, env=smart_warehouse.env)
    assert local.returncode == 0 and len(local.output.strip().splitlines()) == 1
    assert "no users or roles" in local.output

    server = start_clickhouse_server(smart_warehouse.path)
    try:
        printed = run_tool(["parebrick", "access", "row-policies", "--target", "server"], cwd=REPO, env=server.env)
    finally:
        server.stop()
    assert printed.returncode == 0, printed.output
    lines = printed.output.strip().splitlines()
    cabinets = read_cabinets()
    assert lines[0].startswith(f"-- {len(cabinets)} cabinets x {len(tables)} tables")
    policies = [line for line in lines if line.startswith("CREATE ROW POLICY")]
    assert len(policies) == len(cabinets) * len(tables)
    for table in tables:
        head = f"CREATE ROW POLICY OR REPLACE smart_cabinet_kodeks ON {table} FOR SELECT USING cabinet IN " \
               "('kodeks', 'kodeks-ekb', 'kodeks-nsk', 'kodeks-spb') TO smart_cabinet_kodeks;"
        assert head in policies
