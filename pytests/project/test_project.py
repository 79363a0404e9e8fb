"""The project itself: profiles for every target, layers as databases, the command line's messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import run_tool

from parebrick.embedded import open_client
from parebrick.profile import load_target

# The database of each layer folder under models/ (ARCHITECTURE.md, "Layers").
LAYER_DATABASES = {"staging": "staging", "detail": "detail", "aggregate": "aggregate", "view": "views"}


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
        if node["resource_type"] == "model":
            layer = Path(node["original_file_path"]).parts[1]
            assert node["schema"] == LAYER_DATABASES[layer], node["unique_id"]


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
