"""CONTRIBUTING.md's worked example, followed on a temporary copy of the project.

The guide is the newcomer's only instructions, so its code blocks are the test's input: every block titled
with a file path is written to that path in the copy. The new models must pass `parebrick rules` and the
linter as written; the same models without a description, or without the grain test, must fail with the
rule's one-line message. A guide that drifts from the rules fails here, not in a newcomer's first PR.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import REPO, run_tool

COPIED = ("dbt_project.yml", "profiles.example.yml", "rules_exceptions.yml", ".sqlfluff",
          "models", "macros", "seeds", "snapshots", "docs", "tests", "analyses")
BLOCK = re.compile(r'^```(?:sql|yaml) title="(?P<path>[^"]+)"\n(?P<body>.*?)^```$', re.MULTILINE | re.DOTALL)
AGG = "models/aggregate/cc/agg_cc__service_weekly"
VIEW = "models/view/cc/v_cc_service_weekly"


def guide_files() -> dict[str, str]:
    return {m["path"]: m["body"] for m in BLOCK.finditer((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8"))}


def copy_project(copy: Path) -> Path:
    """The project without .git, .venv, target or warehouse, with its profile in `copy/profiles`."""
    copy.mkdir()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("target", "logs", "__pycache__"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    (copy / "profiles").mkdir()
    shutil.copy2(REPO / "profiles.example.yml", copy / "profiles" / "profiles.yml")
    return copy


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (no .git, .venv, target or warehouse) with the guide's files written into it."""
    copy = copy_project(tmp_path / "project")
    for path, body in guide_files().items():
        assert not (copy / path).exists(), f"the guide's example {path} already exists in the project; rename the example"
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_text(body, encoding="utf-8")
    return copy


def rules(project: Path) -> tuple[int, list[str]]:
    done = run_tool(["parebrick", "rules", "--project-dir", str(project), "--profiles-dir", str(project / "profiles")],
                    cwd=project, env={"PAREBRICK_WAREHOUSE": str(project.parent / "warehouse")})
    return done.returncode, done.output.splitlines()


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    """Change the first model of a YAML file the way an author forgetting something would."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["models"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_guide_has_the_worked_example() -> None:
    files = guide_files()
    assert set(files) == {f"{AGG}.sql", f"{AGG}.yml", f"{VIEW}.sql", f"{VIEW}.yml"}, sorted(files)
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for step in ("make lint", "parebrick rules", "make test", "rules_exceptions.yml", "state:modified+",
                 "prod-manifest", "Adding a raw table and its staging model", "Adding a detail model", "Reviewing a pull request"):
        assert step in text, f"CONTRIBUTING.md no longer explains {step!r}"


def test_new_models_pass_the_rules_and_the_linter(project: Path) -> None:
    code, out = rules(project)
    assert code == 0, "\n".join(out)
    assert any("no violations" in line for line in out)
    lint = run_tool(["sqlfluff", "lint", f"{AGG}.sql", f"{VIEW}.sql"], cwd=project)
    assert lint.returncode == 0, lint.output


def test_same_view_without_docs_fails(project: Path) -> None:
    def undocument(model: dict[str, Any]) -> None:
        del model["description"]
        model["columns"][0]["description"] = ""

    edit_yaml(project / f"{VIEW}.yml", undocument)
    code, out = rules(project)
    assert code == 1
    assert "v_cc_service_weekly — description — add a description to v_cc_service_weekly in " \
           "models/view/cc/v_cc_service_weekly.yml" in out
    assert "v_cc_service_weekly — column-description — describe column week_start in " \
           "models/view/cc/v_cc_service_weekly.yml (metrics: {{ doc('metric_...') }})" in out


def test_same_aggregate_without_grain_test_fails(project: Path) -> None:
    edit_yaml(project / f"{AGG}.yml", lambda model: model.pop("data_tests"))
    code, out = rules(project)
    assert code == 1
    assert ("agg_cc__service_weekly — grain-test — no uniqueness test on its grain (service_code, territory_code, "
            "week_start); add data_tests: [{unique_combination: {arguments: {columns: [service_code, territory_code, "
            "week_start]}}}]") in out
    assert not any(line.startswith("v_cc_service_weekly") for line in out), out


def test_new_models_build_with_their_contract(project: Path) -> None:
    """The guide's SQL runs: on a tiny generated sample in a throwaway warehouse, the example aggregate and
    view build with their ancestors, the view's enforced contract holds and their grain tests pass."""
    env = {"PAREBRICK_WAREHOUSE": str(project.parent / "warehouse")}
    data = project.parent / "sample"
    for args in (["parebrick", "generate", "--out", str(data), "--days", "2", "--calls-per-day", "300"],
                 ["parebrick", "load", "--inbox", str(data / "inbox"),
                  "--expected-rejections", str(data / "manifest.json")]):
        done = run_tool(args, cwd=project, env=env)
        assert done.returncode == 0, done.output
    done = run_tool(["dbt", "build", "--profiles-dir", str(project / "profiles"), "--select", "+v_cc_service_weekly",
                     "--indirect-selection", "cautious"], cwd=project, env=env)
    assert done.returncode == 0, done.output
    assert "OK created sql view model `views`.`v_cc_service_weekly`" in done.output
    assert "PASS unique_combination_v_cc_service_weekly_week_start__service_code__territory_code" in done.output


RAW_BLOCK = re.compile(r'^```(?P<lang>\w+) title="(?P<path>[^"]+)"(?: (?P<mode>append|new))?\n(?P<body>.*?)^```$',
                       re.MULTILINE | re.DOTALL)


def raw_table_steps() -> list[tuple[str, str, str]]:
    """(path, mode, body) of the guide's "Adding a raw table" blocks, in order: appended, new, delivered."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## Adding a raw table"):text.index("## Adding a detail model")]
    return [(m["path"], m["mode"] or "deliver", m["body"]) for m in RAW_BLOCK.finditer(section)]


def test_a_raw_table_added_by_the_guide_loads_builds_and_is_documented(tmp_path: Path) -> None:
    """Follow "Adding a raw table" on a copy: the declaration alone makes the loader create and fill the
    table (no Python edited), the staging model builds and passes its tests, and the data map describes
    the raw and the staging columns from the same doc blocks."""
    copy = copy_project(tmp_path / "project")
    profiles = copy / "profiles"
    inbox = tmp_path / "inbox"
    steps = raw_table_steps()
    assert [mode for _, mode, _ in steps] == ["append", "append", "new", "new", "deliver"], steps
    for path, mode, body in steps:
        if mode == "deliver":
            target = inbox / path.removeprefix("inbox/")
            target.parent.mkdir(parents=True)
            target.write_text(body, encoding="utf-8")
            continue
        target = copy / path
        if mode == "new":
            assert not target.exists(), f"the guide's example {path} already exists in the project; rename it"
            target.write_text(body, encoding="utf-8")
        else:
            assert target.exists(), path
            target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n" + body, encoding="utf-8")
    env = {"PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse"), "PAREBRICK_PROJECT_DIR": str(copy)}

    checked = run_tool(["parebrick", "sources", "--check"], cwd=copy, env=env)
    assert checked.returncode == 0, checked.output
    loaded = run_tool(["parebrick", "load", "--inbox", str(inbox), "--quiet"], cwd=copy, env=env)
    assert loaded.returncode == 0, loaded.output
    built = run_tool(["dbt", "build", "--profiles-dir", str(profiles), "--select", "stg_brm__refunds"],
                     cwd=copy, env=env)
    assert built.returncode == 0, built.output
    assert "PASS unique_combination_stg_brm__refunds_refund_id" in built.output
    code, out = rules(copy)
    assert code == 0, "\n".join(out)

    from parebrick.embedded import open_client

    client = open_client(tmp_path / "warehouse")
    try:
        rows = client.query("SELECT refund_id, account_id, toString(amount_rub), reason FROM staging.stg_brm__refunds "
                            "ORDER BY refunded_at").result_rows
        comment = client.query("SELECT comment FROM system.columns WHERE database = 'raw' AND table = 'brm__refunds' "
                               "AND name = 'refund_id'").result_rows
    finally:
        client.close()
    # Two refunds, not one: billing's ids are kept as written.
    assert rows == [("000731", "300", "150", "overpayment"), ("731", "301", "99.9", "service_outage")]
    assert comment == [("Refund id, as billing numbers it (text: billing owns it).",)]

    parsed = run_tool(["dbt", "parse", "--profiles-dir", str(profiles), "--target-path", str(tmp_path / "parsed")],
                      cwd=copy, env=env)
    assert parsed.returncode == 0, parsed.output
    manifest = json.loads((tmp_path / "parsed" / "manifest.json").read_text(encoding="utf-8"))
    source = manifest["sources"]["source.parebrick.brm.refunds"]
    staging = manifest["nodes"]["model.parebrick.stg_brm__refunds"]
    for column in ("refund_id", "account_id", "refunded_at", "reason"):
        described = source["columns"][column]["description"]
        assert described and "{{" not in described, (column, described)
        assert staging["columns"][column]["description"] == described, column
