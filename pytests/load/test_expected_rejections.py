"""`parebrick load --expected-rejections`: a generated sample's planted whole-file refusals do not fail the
load, but anything else refused still does, and a planted refusal that does not happen fails it too."""

from __future__ import annotations

import json
from pathlib import Path

from loadkit import put
from support import REPO, run_tool

NO_PING = "smartupload,download,upload,process,donotping"
PING = "download,upload,process,ping"
# A registry whose blocks are out of order (the own block first) is refused whole; a good one loads.
OWN = f"Сидоров;sidorov@kodeks.ru;{NO_PING};0;alpha\n"
INTERNET = f"cloud.example.ru:443;Иванов;ivanov@kodeks.ru;https;{PING};-1;beta\n"
OUT_OF_ORDER, GOOD = OWN + INTERNET, INTERNET + OWN
REFUSED = "smart/registry/kodeks_manager_01102024.csv"


def load(inbox: Path, warehouse: Path, *extra: str):
    return run_tool(["parebrick", "load", "--inbox", str(inbox), "--target", "local", "--quiet", *extra],
                    cwd=REPO, env={"PAREBRICK_WAREHOUSE": str(warehouse)})


def manifest(tmp_path: Path, rejected: list[str]) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"rejected_files": rejected}), encoding="utf-8")
    return path


def test_a_planted_refusal_is_reported_and_the_load_succeeds(tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, "smart.registry", "kodeks_manager_01102024.csv", OUT_OF_ORDER)
    put(inbox, "smart.registry", "kodeks_manager_02102024.csv", GOOD)
    plain = load(inbox, tmp_path / "plain")
    assert plain.returncode == 1 and f"rejected {REFUSED}: blocks out of order" in plain.output
    planted = load(inbox, tmp_path / "planted", "--expected-rejections", str(manifest(tmp_path, [REFUSED])))
    assert planted.returncode == 0, planted.output
    assert f"rejected {REFUSED}: blocks out of order" in planted.output
    assert "1 file(s) refused whole as the sample planted them" in planted.output


def test_an_unplanted_refusal_still_fails(tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, "smart.registry", "kodeks_manager_01102024.csv", OUT_OF_ORDER)
    result = load(inbox, tmp_path / "wh", "--expected-rejections", str(manifest(tmp_path, [])))
    assert result.returncode == 1


def test_a_planted_refusal_that_loads_fails(tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, "smart.registry", "kodeks_manager_01102024.csv", GOOD)
    result = load(inbox, tmp_path / "wh", "--expected-rejections", str(manifest(tmp_path, [REFUSED])))
    assert result.returncode == 1
    assert f"not refused {REFUSED}" in result.output


def test_an_unreadable_manifest_is_one_line(tmp_path):
    result = load(tmp_path / "inbox", tmp_path / "wh", "--expected-rejections", str(tmp_path / "missing.json"))
    assert result.returncode == 1
    assert [line for line in result.output.splitlines() if line.strip()] == [
        line for line in result.output.splitlines() if "cannot read the expected rejections" in line]
