"""`--groups`: a subset of the source groups is written from the same simulation, so its files are the full
run's files, byte for byte, and the manifest lists exactly the full run's files and defects of those groups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parebrick.cli import main
from parebrick.generate import RunSpec, generate
from parebrick.generate.groups import GROUPS

SPEC = dict(start_date=dt.date(2025, 3, 3), days=6, calls_per_day=1200, seed=13)


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[dict[str, bytes], dict]:
    out = tmp_path_factory.mktemp("full")
    manifest = generate(RunSpec(out=out, **SPEC), progress=False)
    return _tree(out), manifest


def test_the_full_run_writes_and_records_every_group(full):
    tree, manifest = full
    assert manifest["arguments"]["groups"] == list(GROUPS)
    assert {rel.split("/")[1] for rel in tree if rel.startswith("inbox/")} == set(GROUPS)
    assert "omnichat" in manifest and "omnichat/chats.jsonl" in tree


@pytest.mark.parametrize("asked", [("crm",), ("wfm", "cms"), ("brm",)])
def test_a_subset_writes_only_its_groups_with_the_full_runs_bytes(full, tmp_path, asked):
    full_tree, full_manifest = full
    manifest = generate(RunSpec(out=tmp_path, groups=asked, **SPEC), progress=False)
    tree = _tree(tmp_path)
    groups = [g for g in GROUPS if g in asked]                       # registry order, whatever was asked
    assert manifest["arguments"]["groups"] == groups
    assert {p.name for p in (tmp_path / "inbox").iterdir()} == set(groups)
    expected = {rel for rel in full_tree
                if rel.split("/")[0] == "truth"
                or (rel.split("/")[0] == "inbox" and rel.split("/")[1] in groups)
                or (rel.split("/")[0] == "omnichat" and "cms" in groups)}
    assert set(tree) - {"manifest.json"} == expected
    for rel in expected:
        assert tree[rel] == full_tree[rel], rel
    # The manifest: the full run's files and defects of these groups, in the same order.
    assert manifest["files"] == [f for f in full_manifest["files"] if f["group"] in groups]
    group_of_table = {f["table"]: f["group"] for f in full_manifest["files"]} | {"omnichat_chats": "cms"}
    assert manifest["defects"] == [d for d in full_manifest["defects"] if group_of_table[d["table"]] in groups]
    assert manifest["defects"], "every group plants or records defects"
    assert ("omnichat" in manifest) == ("cms" in groups)
    zones = manifest["time_zones"].items()
    assert len(zones) == len(groups) and zones <= full_manifest["time_zones"].items()


def test_the_command_line_takes_a_comma_list_and_refuses_unknown_groups(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                 "--groups", "crm,nope"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and all(g in err for g in GROUPS)
    assert not out.exists()
    assert main(["generate", "--out", str(out), "--days", "1", "--calls-per-day", "100", "--groups", "wfm, crm"]) == 0
    assert sorted(p.name for p in (out / "inbox").iterdir()) == ["crm", "wfm"]
