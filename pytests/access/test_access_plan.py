"""Access as code: the plan that converges a server's roles, users, grants and row policies to access.yml.

No ClickHouse server with an access storage can run here, so the plan is tested against recorded states
(fixtures/converged_state.json, rows shaped as the server's system tables show them), and the command end to
end against the embedded target and the test HTTP server, whose engine has no access management.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import REPO, run_tool, start_clickhouse_server

from parebrick.access.cabinets import read_cabinets
from parebrick.access.declaration import AccessError, read_declaration
from parebrick.access.desired import ALL_ROWS, desired_state
from parebrick.access.plan import plan
from parebrick.access.state import Grant, state_from_rows
from parebrick.layers import load_layers

FIXTURES = Path(__file__).with_name("fixtures")
DECLARATION = FIXTURES / "access.yml"
# Known hashes: each must appear in no output and no file, only in what apply sends.
HASHES = {"PAREBRICK_ACCESS_TEST_BI_SHA256": hashlib.sha256(b"bi's password").hexdigest(),
          "PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256": hashlib.sha256(b"north-one's password").hexdigest()}
DATABASES = [layer.database for layer in load_layers(REPO)]


@pytest.fixture(autouse=True)
def hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in HASHES.items():
        monkeypatch.setenv(name, value)


def converged() -> dict[str, Any]:
    return json.loads((FIXTURES / "converged_state.json").read_text(encoding="utf-8"))


def empty() -> dict[str, Any]:
    rows = converged()
    rows.update(roles=[], role_grants=[], row_policies=[],
                users=[user for user in rows["users"] if user["name"] == "default"],
                grants=[grant for grant in rows["grants"] if grant["user_name"] == "default"])
    return rows


def planned(rows: dict[str, Any], declaration: Path = DECLARATION, cabinets: Path = FIXTURES / "cabinets.csv",
            **options: Any) -> list[str]:
    current = state_from_rows(rows, DATABASES)
    desired = desired_state(read_declaration(declaration), load_layers(REPO), read_cabinets(cabinets), current)
    return [statement.shown() for statement in plan(desired, current, **options)]


def test_the_plan_for_a_new_server_creates_roles_then_policies_then_grants_then_users():
    policy = "AS PERMISSIVE FOR SELECT USING"
    assert planned(empty()) == [
        "CREATE ROLE loader",
        "CREATE ROLE reader",
        "CREATE ROLE smart_cabinet_north",
        "CREATE ROLE smart_cabinet_north_one",
        f"CREATE ROW POLICY loader ON raw.smart__sysinfo {policy} 1 TO loader",
        f"CREATE ROW POLICY reader ON detail.dtl_smart__alerts {policy} 1 TO reader",
        f"CREATE ROW POLICY smart_cabinet_north ON detail.dtl_smart__alerts {policy} cabinet IN ('north', 'north-one') "
        "TO smart_cabinet_north",
        f"CREATE ROW POLICY smart_cabinet_north ON raw.smart__sysinfo {policy} cabinet IN ('north', 'north-one') "
        "TO smart_cabinet_north",
        f"CREATE ROW POLICY smart_cabinet_north_one ON detail.dtl_smart__alerts {policy} cabinet IN ('north-one') "
        "TO smart_cabinet_north_one",
        f"CREATE ROW POLICY smart_cabinet_north_one ON raw.smart__sysinfo {policy} cabinet IN ('north-one') "
        "TO smart_cabinet_north_one",
        "GRANT INSERT ON raw.* TO loader",
        "GRANT SELECT ON raw.* TO loader",
        # The views read with the reader's rights: their layer, the layers they read, dictionaries, snapshots.
        "GRANT SELECT ON aggregate.* TO reader",
        "GRANT SELECT ON detail.* TO reader",
        "GRANT SELECT ON dim.* TO reader",
        "GRANT SELECT ON snapshots.* TO reader",
        "GRANT SELECT ON views.* TO reader",
        "GRANT SELECT ON detail.dtl_smart__alerts TO smart_cabinet_north",
        "GRANT SELECT ON views.v_smart_alerts TO smart_cabinet_north",
        "GRANT SELECT ON detail.dtl_smart__alerts TO smart_cabinet_north_one",
        "GRANT SELECT ON views.v_smart_alerts TO smart_cabinet_north_one",
        "CREATE USER bi IDENTIFIED WITH sha256_hash BY '<PAREBRICK_ACCESS_TEST_BI_SHA256>'",
        "CREATE USER north_one IDENTIFIED WITH sha256_hash BY '<PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256>'",
        "GRANT reader TO bi",
        "GRANT smart_cabinet_north_one TO north_one",
    ]


def test_a_converged_server_plans_nothing_and_the_built_in_user_is_left_alone():
    rows = converged()
    assert any(grant["user_name"] == "default" for grant in rows["grants"])
    assert planned(rows) == []


def with_drift(change: Callable[[dict[str, Any]], None]) -> list[str]:
    rows = copy.deepcopy(converged())
    change(rows)
    return planned(rows)


def test_drift_plans_exactly_the_statements_that_undo_it():
    def extra_grant(rows: dict[str, Any]) -> None:
        rows["grants"].append({**rows["grants"][0], "role_name": "reader", "access_type": "SELECT",
                               "database": "raw", "table": None})
    assert with_drift(extra_grant) == ["REVOKE SELECT ON raw.* FROM reader"]

    def missing_role(rows: dict[str, Any]) -> None:
        rows["roles"] = [role for role in rows["roles"] if role["name"] != "loader"]
        rows["grants"] = [grant for grant in rows["grants"] if grant["role_name"] != "loader"]
        rows["row_policies"] = [policy for policy in rows["row_policies"] if policy["short_name"] != "loader"]
    assert with_drift(missing_role) == [
        "CREATE ROLE loader",
        "CREATE ROW POLICY loader ON raw.smart__sysinfo AS PERMISSIVE FOR SELECT USING 1 TO loader",
        "GRANT INSERT ON raw.* TO loader",
        "GRANT SELECT ON raw.* TO loader",
    ]

    def widened_filter(rows: dict[str, Any]) -> None:
        for policy in rows["row_policies"]:
            if policy["short_name"] == "smart_cabinet_north_one" and policy["table"] == "dtl_smart__alerts":
                policy["select_filter"] = "cabinet IN ('north', 'north-one')"
    assert with_drift(widened_filter) == [
        "ALTER ROW POLICY smart_cabinet_north_one ON detail.dtl_smart__alerts AS PERMISSIVE FOR SELECT "
        "USING cabinet IN ('north-one') TO smart_cabinet_north_one"]

    def extra_user(rows: dict[str, Any]) -> None:
        rows["users"].append({"name": "intruder", "storage": "local_directory", "default_roles_all": 1})
        rows["role_grants"].append({"user_name": "intruder", "role_name": None, "granted_role_name": "reader",
                                    "with_admin_option": 0})
    assert with_drift(extra_user) == ["DROP USER intruder"]

    def extra_policy_and_role(rows: dict[str, Any]) -> None:
        rows["roles"].append({"name": "old_team", "storage": "replicated"})
        rows["row_policies"].append({**rows["row_policies"][0], "short_name": "old_team", "apply_to_list": ["old_team"]})
    assert with_drift(extra_policy_and_role) == ["DROP ROW POLICY old_team ON raw.smart__sysinfo", "DROP ROLE old_team"]


def test_the_user_running_the_plan_is_never_dropped_and_keeps_its_grants():
    rows = converged()
    rows["current_user"] = "night_admin"
    rows["users"].append({"name": "night_admin", "storage": "local_directory", "default_roles_all": 1})
    rows["role_grants"].append({"user_name": "night_admin", "role_name": None, "granted_role_name": "reader",
                                "with_admin_option": 0})
    assert planned(rows) == []


def test_a_user_the_row_policies_of_a_table_it_reads_do_not_name_is_refused(tmp_path: Path):
    text = DECLARATION.read_text(encoding="utf-8").replace("    all_cabinets: true\n  loader:", "  loader:")
    uncovered = tmp_path / "access.yml"
    uncovered.write_text(text, encoding="utf-8")
    with pytest.raises(AccessError) as refused:
        planned(empty(), uncovered)
    message = str(refused.value)
    assert "\n" not in message
    assert "user 'bi' may read detail.dtl_smart__alerts, which has row policies, but none names it" in message
    assert "all_cabinets: true" in message


def test_a_cabinet_role_beside_a_role_reading_every_cabinet_is_refused(tmp_path: Path):
    text = DECLARATION.read_text(encoding="utf-8").replace("roles: [smart_cabinet_north_one]",
                                                           "roles: [smart_cabinet_north_one, reader]")
    mixed = tmp_path / "access.yml"
    mixed.write_text(text, encoding="utf-8")
    with pytest.raises(AccessError, match="user 'north_one' holds roles whose row policies on detail.dtl_smart__alerts"):
        planned(empty(), mixed)


def test_a_password_is_set_from_its_variable_only_when_run(monkeypatch: pytest.MonkeyPatch):
    rows = converged()
    assert planned(rows, reset_passwords=["bi"]) == [
        "ALTER USER bi IDENTIFIED WITH sha256_hash BY '<PAREBRICK_ACCESS_TEST_BI_SHA256>'"]
    current = state_from_rows(rows, DATABASES)
    desired = desired_state(read_declaration(DECLARATION), load_layers(REPO), read_cabinets(FIXTURES / "cabinets.csv"),
                            current)
    (statement,) = plan(desired, current, reset_passwords=["bi"])
    assert HASHES["PAREBRICK_ACCESS_TEST_BI_SHA256"] in statement.executed()
    assert HASHES["PAREBRICK_ACCESS_TEST_BI_SHA256"] not in statement.shown()
    monkeypatch.delenv("PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256")
    with pytest.raises(AccessError, match="environment variable PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256 is not set"):
        planned(empty())
    monkeypatch.setenv("PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256", "not a hash")
    with pytest.raises(AccessError, match="is not a SHA-256 hash") as refused:
        planned(empty())
    assert "not a hash" not in str(refused.value)


def test_the_command_plans_from_a_recorded_state_says_the_embedded_engine_has_no_users_and_leaks_no_hash(
        tmp_path: Path):
    recorded = tmp_path / "current.json"
    recorded.write_text(json.dumps(empty()), encoding="utf-8")
    # The command reads the project's cabinets dictionary: the user wears one of its cabinets.
    declaration = tmp_path / "access.yml"
    declaration.write_text(DECLARATION.read_text(encoding="utf-8").replace(
        "[smart_cabinet_north_one]", "[smart_cabinet_kodeks_spb]"), encoding="utf-8")
    env = {**HASHES, "PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse")}
    outputs = []
    for action in ("plan", "apply", "record"):
        extra = ["--out", str(tmp_path / "record.json")] if action == "record" else []
        local = run_tool(["parebrick", "access", action, "--target", "local", *extra], cwd=REPO, env=env)
        assert local.returncode == 0 and local.output.strip().splitlines() == [
            "target 'local' is the embedded engine, which has no users or roles: access is declared for the "
            "server target"], local.output
        outputs.append(local.output)
    printed = run_tool(["parebrick", "access", "plan", "--target", "server", "--file", str(declaration),
                        "--current", str(recorded)], cwd=REPO, env=env)
    assert printed.returncode == 0, printed.output
    lines = printed.output.strip().splitlines()
    expected = planned(empty(), declaration, REPO / "seeds" / "dim" / "dim_smart_cabinets.csv")
    assert "GRANT smart_cabinet_kodeks_spb TO north_one" in expected
    assert lines == [f"-- {len(expected)} statements converge target 'server' to the access declaration",
                     *(statement + ";" for statement in expected)]
    outputs.append(printed.output)

    server = start_clickhouse_server(tmp_path / "server")
    try:
        for action in ("plan", "apply"):
            refused = run_tool(["parebrick", "access", action, "--target", "server", "--file", str(declaration)],
                               cwd=REPO, env={**env, **server.env})
            assert refused.returncode == 1
            assert refused.output.strip().splitlines() == [refused.output.strip()]
            assert refused.output.startswith("error: cannot read the server's users, roles, grants and row policies")
            assert "SHOW USERS" in refused.output or "SHOW ROLES" in refused.output
            outputs.append(refused.output)
    finally:
        server.stop()
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    for value in HASHES.values():
        assert not any(value in output for output in outputs)
        assert not any(value.encode() in path.read_bytes() for path in written)


class RecordingClient:
    """Stands in for the server in `apply`: keeps what it was sent, and fails as a server echoing the SQL."""

    def __init__(self, fail_on: str | None = None):
        self.sent: list[str] = []
        self.fail_on = fail_on

    def command(self, sql: str) -> None:
        from clickhouse_connect.driver.exceptions import DatabaseError

        if self.fail_on and sql.startswith(self.fail_on):
            raise DatabaseError(f"Code: 514. DB::Exception: cannot run {sql}. (ACCESS_STORAGE_FOR_INSERTION_NOT_FOUND)")
        self.sent.append(sql)


def test_apply_sends_the_hash_to_the_server_only_and_redacts_it_from_a_failure(capsys: pytest.CaptureFixture[str]):
    from parebrick.commands.access import _apply

    current = state_from_rows(empty(), DATABASES)
    desired = desired_state(read_declaration(DECLARATION), load_layers(REPO), read_cabinets(FIXTURES / "cabinets.csv"),
                            current)
    statements = plan(desired, current)
    said: list[str] = []
    client = RecordingClient()
    assert _apply(client, statements, said.append) == 0  # type: ignore[arg-type]
    assert len(client.sent) == len(statements) and said[-1] == f"-- applied {len(statements)} statements"
    users = [sql for sql in client.sent if sql.startswith("CREATE USER")]
    assert users == [f"CREATE USER bi IDENTIFIED WITH sha256_hash BY '{HASHES['PAREBRICK_ACCESS_TEST_BI_SHA256']}'",
                     "CREATE USER north_one IDENTIFIED WITH sha256_hash BY "
                     f"'{HASHES['PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256']}'"]
    failing = RecordingClient(fail_on="CREATE USER north_one")
    said.clear()
    assert _apply(failing, statements, said.append) == 1  # type: ignore[arg-type]
    assert said[-1].startswith(f"error: statement {len(statements) - 2} of {len(statements)} failed, CREATE USER north_one")
    assert "<PAREBRICK_ACCESS_TEST_NORTH_ONE_SHA256>" in said[-1]
    for value in HASHES.values():
        assert not any(value in line for line in said)
    assert capsys.readouterr().out == ""


def engine_config(directory: Path, grants: list[Grant], filters: dict[str, str]) -> Path:
    """An engine configuration whose users.xml holds these grants as roles' and these filters as a user's."""
    import xml.etree.ElementTree as ET

    root = ET.Element("clickhouse")
    users = ET.SubElement(root, "users")
    for name, filters_of in (("default", {}), ("probe", filters)):
        user = ET.SubElement(users, name)
        ET.SubElement(user, "password")
        ET.SubElement(ET.SubElement(user, "networks"), "ip").text = "::1"
        ET.SubElement(user, "profile").text = "default"
        ET.SubElement(user, "quota").text = "default"
        if name == "default":
            ET.SubElement(user, "access_management").text = "1"
        databases = ET.SubElement(user, "databases")
        for relation, condition in filters_of.items():
            database, table = relation.split(".")
            node = databases.find(database) or ET.SubElement(databases, database)
            ET.SubElement(ET.SubElement(node, table), "filter").text = condition
    roles = ET.SubElement(root, "roles")
    for grantee in sorted({grant.grantee for grant in grants}):
        queries = ET.SubElement(ET.SubElement(roles, grantee), "grants")
        for grant in sorted(g for g in grants if g.grantee == grantee):
            on = "*.*" if grant.database is None else f"{grant.database}.{grant.table or '*'}"
            option = " WITH GRANT OPTION" if grant.grant_option else ""
            ET.SubElement(queries, "query").text = f"GRANT {grant.privilege} ON {on}{option}"
    ET.SubElement(ET.SubElement(root, "profiles"), "default")
    ET.SubElement(ET.SubElement(root, "quotas"), "default")
    ET.indent(root)
    (directory / "users.xml").write_text(ET.tostring(root, encoding="unicode"), encoding="utf-8")
    config = directory / "config.xml"
    config.write_text(f"<clickhouse><users_config>{(directory / 'users.xml').resolve()}</users_config></clickhouse>\n",
                      encoding="utf-8")
    return config


def test_clickhouse_shows_the_declared_grants_and_filters_exactly_as_the_plan_writes_them(tmp_path: Path):
    """The project's access.yml, granted by a real engine (as users.xml roles: the embedded engine has no SQL
    access storage), reads back as the plan's own state: nothing to change."""
    import subprocess
    import sys

    current = state_from_rows(empty(), DATABASES)
    desired = desired_state(read_declaration(REPO / "access.yml"), load_layers(REPO), read_cabinets(), current).state
    filters = {f"{p.database}.{p.table}": p.condition for p in desired.policies if p.name == "smart_cabinet_kodeks"}
    config = engine_config(tmp_path, list(desired.grants), filters)
    result = subprocess.run([sys.executable, str(Path(__file__).with_name("record_with_config.py")),
                             str(tmp_path / "warehouse"), str(config), *DATABASES],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(result.stdout.strip().splitlines()[-1])
    shown = {Grant(row["role_name"], row["access_type"], row["database"], row["table"], row["column"],
                   bool(row["grant_option"]), bool(row["is_partial_revoke"])) for row in rows["grants"] if row["role_name"]}
    assert shown == set(desired.grants)
    assert any(grant.privilege == "ALL" for grant in shown) and any(grant.table for grant in shown)
    read_back = {f"{row['database']}.{row['table']}": row["select_filter"] for row in rows["row_policies"]
                 if row["apply_to_list"] == ["probe"]}
    assert read_back == filters and len(filters) == 2
    # The engine gives the other user of users.xml a policy reading every row, shown as the plan writes one.
    assert {row["select_filter"] for row in rows["row_policies"] if row["apply_to_list"] != ["probe"]} == {ALL_ROWS}
