"""The project rules (`parebrick rules`) on the real project and on manifests doctored to break each rule.

The real project must pass; each doctored manifest must give exactly the one-line violation an author
would read in CI, so the message itself (model, rule, how to fix) is part of what is tested.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from support import REPO, run_tool

from parebrick.layers import load_layers
from parebrick.rules import check
from parebrick.rules.exceptions import load_exceptions

Model = Callable[[str], dict[str, Any]]


@pytest.fixture(autouse=True)
def _baseline(real_manifest: dict[str, Any]) -> None:
    """What the working tree violates already (reported by the real-project tests), so each doctored test
    sees exactly the violation its own change causes even while someone's model is half-way done."""
    global BASELINE
    BASELINE = {v.line() for v in check(real_manifest, [])}


BASELINE: set[str] = set()


def lines(manifest: dict[str, Any], exceptions: list[dict[str, Any]] | None = None,
          catalog: dict[str, Any] | None = None) -> list[str]:
    """The violations the doctoring caused: all of them minus those of the undoctored working tree."""
    return [line for line in (v.line() for v in check(manifest, exceptions or [], catalog)) if line not in BASELINE]


def test_real_project_passes_through_the_command(tmp_path: Path) -> None:
    """`parebrick rules` parses the working tree itself (throwaway target and warehouse) and finds nothing."""
    done = run_tool(["parebrick", "rules"], cwd=REPO, env={"PAREBRICK_WAREHOUSE": str(tmp_path / "wh")})
    assert done.returncode == 0, done.output
    assert "no violations" in done.output
    assert not (tmp_path / "wh").exists(), "parsing must not open a warehouse"


def test_real_manifest_has_no_violations(real_manifest: dict[str, Any]) -> None:
    found = [v.line() for v in check(real_manifest, load_exceptions(REPO / "rules_exceptions.yml"))]
    assert found == []
    assert sum(n["resource_type"] == "model" for n in real_manifest["nodes"].values()) > 10


def test_model_without_description(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_service_daily")["description"] = "  "
    assert lines(manifest) == [
        "v_cc_service_daily — description — add a description to v_cc_service_daily in models/view/cc/v_cc_service_daily.yml"
    ]


def test_column_without_description(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("dtl_cms__contacts")["columns"]["node_id"]["description"] = ""
    assert lines(manifest) == [
        "dtl_cms__contacts — column-description — describe column node_id in "
        "models/detail/cms/dtl_cms__contacts.yml (metrics: {{ doc('metric_...') }})"
    ]


def test_model_without_any_columns(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("agg_cc__service_daily")["columns"] = {}
    assert lines(manifest) == [
        "agg_cc__service_daily — column-description — list its columns with a description each in "
        "models/aggregate/cc/agg_cc__service_daily.yml"
    ]


def test_source_table_and_column_without_description(manifest: dict[str, Any]) -> None:
    source = manifest["sources"]["source.parebrick.crm.appeals"]
    source["description"] = ""
    source["columns"]["appeal_id"]["description"] = ""
    assert lines(manifest) == [
        "source crm.appeals — column-description — describe column appeal_id in models/staging/crm/_crm__sources.yml",
        "source crm.appeals — description — describe table appeals in models/staging/crm/_crm__sources.yml",
    ]


def test_seed_without_description(manifest: dict[str, Any]) -> None:
    manifest["nodes"]["seed.parebrick.dim_services"]["description"] = ""
    assert lines(manifest) == ["dim_services — description — add a description to dim_services in seeds/dim/dim_services.yml"]


def test_grain_test_dropped(manifest: dict[str, Any]) -> None:
    grain_tests = [key for key, node in manifest["nodes"].items()
                   if node.get("attached_node") == "model.parebrick.agg_cc__service_daily"
                   and (node.get("test_metadata") or {}).get("name") == "unique_combination"]
    assert grain_tests, "the real model has its grain test"
    for key in grain_tests:
        del manifest["nodes"][key]
    grain = manifest["nodes"]["model.parebrick.agg_cc__service_daily"]["config"]["meta"]["grain"]
    columns = ", ".join(sorted(c.strip() for c in grain.split(",")))
    assert lines(manifest) == [
        f"agg_cc__service_daily — grain-test — no uniqueness test on its grain ({columns}); add data_tests: "
        f"[{{unique_combination: {{arguments: {{columns: [{columns}]}}}}}}]"
    ]


def test_grain_test_on_other_columns_does_not_count(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("dtl_crm__appeals")["config"]["meta"]["grain"] = "appeal_id, created_at"
    assert [line.split(" — ")[:2] for line in lines(manifest)] == [["dtl_crm__appeals", "grain-test"]]


def test_single_column_grain_accepts_dbt_unique(manifest: dict[str, Any]) -> None:
    """A one-column grain may be proven by dbt's own `unique` test (the dictionaries do this)."""
    test = next(n for n in manifest["nodes"].values()
                if n.get("attached_node") == "model.parebrick.dtl_crm__appeals"
                and (n.get("test_metadata") or {}).get("name") == "unique_combination")
    test["test_metadata"] = {"name": "unique", "kwargs": {"column_name": "appeal_id"}}
    test["column_name"] = "appeal_id"
    assert lines(manifest) == []


def test_grain_not_declared(manifest: dict[str, Any], model_of: Model) -> None:
    del model_of("dtl_crm__appeals")["config"]["meta"]["grain"]
    model_of("dtl_crm__appeals").get("meta", {}).pop("grain", None)
    assert lines(manifest) == [
        "dtl_crm__appeals — grain-declared — add config.meta.grain: the columns of one row, e.g. 'report_date, service_code'"
    ]


def test_meta_key_missing(manifest: dict[str, Any], model_of: Model) -> None:
    for key in ("owner", "retention"):
        del model_of("v_cc_interval")["config"]["meta"][key]
        model_of("v_cc_interval").get("meta", {}).pop(key, None)
    assert lines(manifest) == [
        "v_cc_interval — meta-keys — add config.meta owner, retention (required: owner, source_group, refresh, "
        "retention); owner and source_group usually come from the folder's +meta in dbt_project.yml"
    ]


def test_meta_keys_come_from_the_folder(model_of: Model, real_manifest: dict[str, Any]) -> None:
    """dtl_cms__contacts' YAML names neither owner nor source_group: the merged config has its folder's."""
    yaml_text = (REPO / "models" / "detail" / "cms" / "dtl_cms__contacts.yml").read_text(encoding="utf-8")
    assert "owner:" not in yaml_text and "source_group:" not in yaml_text
    meta = model_of("dtl_cms__contacts")["config"]["meta"]
    assert (meta["owner"], meta["source_group"]) == ("contact-center-analytics", "cms")
    assert meta["grain"] == "node_id, profile_id, session_id"


def test_meta_key_missing_from_the_model_alone(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_interval")["config"]["meta"].pop("refresh")
    model_of("v_cc_interval").get("meta", {}).pop("refresh", None)
    assert lines(manifest) == [
        "v_cc_interval — meta-keys — add config.meta refresh (required: owner, source_group, refresh, retention)"
    ]


def test_detail_model_reading_a_source(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("dtl_cms__contacts")["depends_on"]["nodes"].append("source.parebrick.cms.uccx_contact_call_detail")
    assert lines(manifest) == [
        "dtl_cms__contacts — source-outside-staging — read ref() of the staging model of source "
        "cms.uccx_contact_call_detail instead of source() (only staging reads raw)"
    ]


@pytest.mark.parametrize(("reader", "read", "expected"), [
    ("agg_cc__service_daily", "v_cc_interval",
     "agg_cc__service_daily — layer-direction — aggregate reads v_cc_interval (view); aggregate may read "
     "aggregate, detail (raw → staging → detail → aggregate → view)"),
    ("stg_crm__appeals", "dtl_crm__appeals",
     "stg_crm__appeals — layer-direction — staging reads dtl_crm__appeals (detail); staging may read "
     "sources and seeds only (raw → staging → detail → aggregate → view)"),
    ("dtl_crm__appeals", "agg_cc__service_daily",
     "dtl_crm__appeals — layer-direction — detail reads agg_cc__service_daily (aggregate); detail may read "
     "detail, staging (raw → staging → detail → aggregate → view)"),
])
def test_dependency_against_the_flow(manifest: dict[str, Any], model_of: Model, reader: str, read: str,
                                     expected: str) -> None:
    model_of(reader)["depends_on"]["nodes"].append(f"model.parebrick.{read}")
    assert lines(manifest) == [expected]


def test_view_reading_detail_and_seed_is_allowed(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_service_daily")["depends_on"]["nodes"] += ["model.parebrick.dtl_cms__contacts",
                                                              "seed.parebrick.dim_calendar"]
    assert lines(manifest) == []


def test_view_without_contract(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_service_daily")["config"]["contract"]["enforced"] = False
    assert lines(manifest) == [
        "v_cc_service_daily — view-contract — set config: {contract: {enforced: true}} and a data_type for every "
        "column in its YAML"
    ]


def test_misplaced_name(manifest: dict[str, Any], model_of: Model) -> None:
    """A detail-named model filed under aggregate/ is caught by its name."""
    model_of("dtl_wfm__forecast_intervals")["original_file_path"] = "models/aggregate/wfm/dtl_wfm__forecast_intervals.sql"
    assert lines(manifest) == [
        "dtl_wfm__forecast_intervals — layer-prefix — a model in models/aggregate/ is named agg_wfm__<entity>; "
        "rename it or move it to its layer's folder"
    ]


def test_name_group_must_match_folder(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("stg_crm__appeals")["original_file_path"] = "models/staging/brm/stg_crm__appeals.sql"
    assert lines(manifest) == ["stg_crm__appeals — layer-prefix — name it stg_brm__<entity> (the group is the folder brm/)"]


def test_model_outside_layer_folders(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_operator_daily")["original_file_path"] = "models/marts/v_operator_daily.sql"
    assert lines(manifest) == [
        "v_operator_daily — layer-folder — move models/marts/v_operator_daily.sql to "
        "models/view/<group>/v_operator_daily.sql (layers: staging, detail, aggregate, view)"
    ]


def test_exception_with_reason_silences_its_violation(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_service_daily")["config"]["contract"]["enforced"] = False
    reviewed = [{"node": "v_cc_service_daily", "rule": "view-contract", "reason": "legacy dashboard until Q3"}]
    assert lines(manifest, reviewed) == []


def test_exception_without_reason_is_a_violation(manifest: dict[str, Any], model_of: Model) -> None:
    model_of("v_cc_service_daily")["config"]["contract"]["enforced"] = False
    assert lines(manifest, [{"node": "v_cc_service_daily", "rule": "view-contract", "reason": " "}]) == [
        "rules_exceptions.yml: v_cc_service_daily/view-contract — exception-reason — give the reviewed reason for "
        "this exception, or remove it and fix the model",
        "v_cc_service_daily — view-contract — set config: {contract: {enforced: true}} and a data_type for every "
        "column in its YAML",
    ]


def test_stale_exception_is_a_violation(manifest: dict[str, Any]) -> None:
    assert lines(manifest, [{"node": "v_cc_service_daily", "rule": "view-contract", "reason": "old"}]) == [
        "rules_exceptions.yml: v_cc_service_daily/view-contract — exception-stale — nothing violates this rule "
        "any more; remove the exception"
    ]


def test_catalog_column_missing_from_yaml(manifest: dict[str, Any]) -> None:
    uid = "model.parebrick.v_cc_interval"
    columns = {name: {"name": name, "type": "String"} for name in manifest["nodes"][uid]["columns"]}
    columns["undocumented"] = {"name": "undocumented", "type": "String"}
    catalog = {"nodes": {uid: {"columns": columns}}, "sources": {}}
    assert lines(manifest, catalog=catalog) == [
        "v_cc_interval — column-description — column undocumented exists in the warehouse but not in "
        "models/view/cc/v_cc_interval.yml; describe it there"
    ]


def test_command_prints_one_line_per_violation_and_fails(manifest: dict[str, Any], model_of: Model,
                                                         write_manifest: Callable[[dict[str, Any]], Path],
                                                         tmp_path: Path) -> None:
    model_of("v_cc_service_daily")["config"]["contract"]["enforced"] = False
    model_of("dtl_cms__contacts")["depends_on"]["nodes"].append("source.parebrick.cms.uccx_contact_call_detail")
    path = write_manifest(manifest)
    done = run_tool(["parebrick", "rules", "--manifest", str(path), "--project-dir", str(tmp_path)], cwd=tmp_path)
    assert done.returncode == 1, done.output
    out = [line for line in done.output.splitlines() if line not in BASELINE]
    assert out[0].startswith("dtl_cms__contacts — source-outside-staging — ")
    assert out[1].startswith("v_cc_service_daily — view-contract — ")
    assert f"{len(BASELINE) + 2} rule violation(s)" in out[2]


def test_command_reads_the_exceptions_file(manifest: dict[str, Any], model_of: Model,
                                           write_manifest: Callable[[dict[str, Any]], Path], tmp_path: Path) -> None:
    model_of("v_cc_service_daily")["config"]["contract"]["enforced"] = False
    path = write_manifest(manifest)
    # The working tree's own violations (if any, while a model is being written) are excepted too.
    entries = [(line.split(" — ")[0], line.split(" — ")[1]) for line in sorted(BASELINE)]
    entries.append(("v_cc_service_daily", "view-contract"))
    (tmp_path / "rules_exceptions.yml").write_text(
        "exceptions:\n" + "".join(f"  - node: {node}\n    rule: {rule}\n    reason: agreed in review\n"
                                  for node, rule in sorted(set(entries))),
        encoding="utf-8")
    done = run_tool(["parebrick", "rules", "--manifest", str(path), "--project-dir", str(tmp_path)], cwd=tmp_path)
    assert done.returncode == 0, done.output


def test_missing_manifest_is_one_line(tmp_path: Path) -> None:
    done = run_tool(["parebrick", "rules", "--manifest", str(tmp_path / "none.json"), "--project-dir", str(tmp_path)],
                    cwd=tmp_path)
    assert done.returncode == 2
    assert done.output.strip().count("\n") == 0 and "does not exist" in done.output


def test_rule_modules_import_only_the_types() -> None:
    """The rule modules depend on the types (project.py) and never on the runner, so there is no cycle."""
    package = REPO / "scripts" / "parebrick" / "rules"
    for module in ("docs", "grain", "layers", "exceptions"):
        tree = ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        own = {name for name in imported if name.startswith("parebrick")}
        assert own <= {"parebrick.rules.project"}, (module, own)


def test_the_rules_read_the_layer_table(real_manifest: dict[str, Any]) -> None:
    """Prefixes and folders come from vars.layers: a table that names views `rpt_` flags every view model."""
    table = tuple(replace(layer, prefix="rpt_") if layer.name == "view" else layer for layer in load_layers())
    views = sorted(n["name"] for n in real_manifest["nodes"].values()
                   if n["resource_type"] == "model" and n["original_file_path"].startswith("models/view/"))
    found = [v.line() for v in check(real_manifest, load_exceptions(REPO / "rules_exceptions.yml"), layer_table=table)]
    assert found == [f"{name} — layer-prefix — a model in models/view/ is named rpt_<subject>; rename it or move it "
                     "to its layer's folder" for name in views]
