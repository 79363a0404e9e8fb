"""The project itself: profiles for every target, layers as databases, the command line's messages."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support import run_tool

from parebrick.embedded import open_client
from parebrick.layers import load_layers
from parebrick.profile import load_target

# The layer table, `vars.layers` in dbt_project.yml: the one place the layers are declared.
LAYERS = load_layers()


@pytest.fixture(scope="module")
def profiles_dir(repo, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("profiles")
    shutil.copy(repo / "profiles.example.yml", directory / "profiles.yml")
    return directory


@pytest.mark.parametrize("target", ["local", "server", "cluster"])
def test_dbt_parses_for_every_target_without_a_server(repo, profiles_dir, tmp_path, target):
    result = run_tool(
        ["dbt", "parse", "--profiles-dir", str(profiles_dir), "--target", target,
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=repo, env={"CLICKHOUSE_HOST": "clickhouse.invalid"},
    )
    assert result.returncode == 0, result.output[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert manifest["metadata"]["adapter_type"] == ("chdb" if target == "local" else "clickhouse")
    nodes = manifest["nodes"].values()
    seeds = [node for node in nodes if node["resource_type"] == "seed"]
    assert seeds, "the dictionaries are seeds"
    assert {node["schema"] for node in seeds} == {"dim"}
    for node in nodes:
        if node["resource_type"] in ("model", "seed", "snapshot"):
            path = node["original_file_path"]
            layer = next(layer for layer in LAYERS if layer.folder and path.startswith(f"{layer.folder}/"))
            assert node["schema"] == layer.database, node["unique_id"]
    models = [node for node in nodes if node["resource_type"] == "model"]
    assert {node["schema"] for node in models} == {"staging", "detail", "aggregate", "views"}


def table_rows(markdown: str, header: str) -> list[list[str]]:
    """The cells of each row of the markdown table whose header line starts with `header`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def first_code(cell: str) -> str:
    found = re.search(r"`([^`]*)`", cell)
    return found.group(1) if found else ""


def test_readme_and_contributing_show_the_layer_table(repo):
    """The tables for people agree with vars.layers: names, databases, folders and prefixes."""
    readme = table_rows((repo / "README.md").read_text(encoding="utf-8"), "| layer | database | model prefix |")
    assert [row[0] for row in readme] == [layer.name for layer in LAYERS]
    for row, layer in zip(readme, LAYERS):
        assert first_code(row[1]) == layer.database, row
        if layer.prefix:
            assert first_code(row[2]).startswith(layer.prefix), row
        else:
            assert row[2] == "(sources)", row
    contributing = table_rows((repo / "CONTRIBUTING.md").read_text(encoding="utf-8"), "| layer | folder | name |")
    model_layers = [layer for layer in LAYERS if layer.is_model_layer]
    assert [row[0] for row in contributing] == [layer.name for layer in model_layers]
    for row, layer in zip(contributing, model_layers):
        assert first_code(row[1]) == f"{layer.folder}/<group>/", row
        assert first_code(row[2]).startswith(layer.prefix), row


def test_the_data_maps_overview_shows_the_layer_table(repo):
    """The docs site's front page lists the layers' databases as vars.layers declares them."""
    overview = table_rows((repo / "docs" / "overview.md").read_text(encoding="utf-8"), "| database | layer |")
    by_name = {layer.name: layer for layer in LAYERS}
    assert overview
    for row in overview:
        assert by_name[row[1]].database == first_code(row[0]), row


def test_dbt_project_configures_only_the_layer_folders(repo):
    """Folder configs in dbt_project.yml name layer folders and groups, and no folder sets a `schema`."""
    project = yaml.safe_load((repo / "dbt_project.yml").read_text(encoding="utf-8"))
    folders = {key for key in project["models"]["parebrick"] if not key.startswith("+")}
    assert folders == {layer.folder.split("/", 1)[1] for layer in LAYERS if layer.is_model_layer}
    assert "+schema" not in json.dumps(project), "a node's database is its layer's, from vars.layers"


def test_profile_targets_read_their_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLICKHOUSE_HOST", "ch.example.internal")
    monkeypatch.setenv("CLICKHOUSE_PORT", "8443")
    monkeypatch.setenv("CLICKHOUSE_SECURE", "true")
    monkeypatch.setenv("CLICKHOUSE_PASSWORD", "s3cret")
    monkeypatch.setenv("PAREBRICK_WAREHOUSE", "/data/parebrick")
    server = load_target("server").config
    assert (server["host"], server["port"], server["secure"], server["password"]) == (
        "ch.example.internal", 8443, True, "s3cret")
    cluster = load_target("cluster").config
    assert cluster["cluster_mode"] is True and cluster["database_engine"].startswith("Replicated(")
    local = load_target("local")
    assert local.is_embedded and str(local.warehouse_path()) == "/data/parebrick"
    assert load_target().name == "local"


def test_the_example_profile_holds_no_secret(repo):
    document = yaml.safe_load((repo / "profiles.example.yml").read_text())
    for name, output in document["parebrick"]["outputs"].items():
        password = str(output.get("password", ""))
        assert password == "" or password.startswith("{{ env_var("), name


def test_the_command_line_says_one_line_when_the_warehouse_is_busy(tmp_path, repo):
    warehouse = tmp_path / "busy"
    holder = open_client(warehouse)
    try:
        result = run_tool(["parebrick", "summary"], cwd=repo, env={"PAREBRICK_WAREHOUSE": str(warehouse)})
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.output.count("in use by another process") == 1
    assert "Traceback" not in result.output and "DB::Exception" not in result.output


def test_model_yaml_does_not_repeat_its_folders_meta(repo):
    """owner and source_group are declared once per group folder (dbt_project.yml `+meta`); a model's or
    seed's YAML names one only to differ from its folder's."""
    project = yaml.safe_load((repo / "dbt_project.yml").read_text(encoding="utf-8"))
    repeated = []
    for path in sorted([*(repo / "models").rglob("*.yml"), *(repo / "seeds").rglob("*.yml")]):
        relative = path.relative_to(repo)
        parts = relative.parts
        if parts[0] == "models":  # models/<layer>/<group>/<name>.yml
            folder = project["models"]["parebrick"].get(parts[1], {}).get(parts[2]) if len(parts) == 4 else None
        else:  # seeds/<group>/<name>.yml
            folder = project["seeds"]["parebrick"].get(parts[1]) if len(parts) == 3 else None
        folder_meta = (folder or {}).get("+meta") or {}
        for node in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(parts[0], []) or []:
            meta = (node.get("config") or {}).get("meta") or {}
            repeated += [(str(relative), key) for key in ("owner", "source_group")
                         if key in meta and meta[key] == folder_meta.get(key)]
    assert repeated == []


def test_every_detail_model_spells_its_window_with_the_macro(repo):
    """An incremental detail model's window is `rebuild_window` (macros/incremental/rebuild_window.sql), never
    its own subquery on `this`, so the lookback means the same thing in every model. A detail model that
    declares itself a table rebuilt on every run (the saas group, explained in its YAML) has no window, nor one
    that declares itself a view (the ops group: the daily batch's records, read live)."""
    for path in sorted((repo / "models" / "detail").rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        assert "toIntervalDay({{ var('lookback_days')" not in sql, path.name
        assert "max(existing." not in sql and "from {{ this }} as" not in sql, path.name
        if "materialized='table'" in sql or "materialized='view'" in sql:
            continue
        assert "rebuild_window(" in sql, path.name
