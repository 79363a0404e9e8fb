"""The generator's inbox, with every planted defect, loads as specified; loading it again changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from loadkit import client, load, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.generate.delivery import QUARANTINED_ROW_DEFECTS

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("generated")
    done = subprocess.run([str(BIN / "parebrick"), "generate", "--out", str(out), "--days", "4",
                           "--calls-per-day", "300"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / "inbox", json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def first_load(client, generated):
    inbox, _ = generated
    return load(client, inbox)


def test_every_file_is_loaded_skipped_as_a_duplicate_or_refused_as_planted(first_load, generated):
    _, manifest = generated
    refused = set(manifest["rejected_files"])
    assert refused, "the generator plants a file to be refused whole"
    assert not first_load.problems
    duplicates = {d["file"] for d in manifest["defects"] if d["kind"] == "duplicate_file"}
    for outcome in first_load.outcomes:
        stem = Path(outcome.source).name.split(".")[0]
        want = "rejected" if outcome.source in refused else "skipped" if stem in duplicates else "loaded"
        assert outcome.status == want, (outcome.source, outcome)
    assert len(first_load.outcomes) == len(manifest["files"])


def test_rows_read_match_the_manifest_and_malformed_rows_are_quarantined(first_load, generated, client):
    _, manifest = generated
    expected = {f["path"].removeprefix("inbox/"): f["rows"] for f in manifest["files"]}
    malformed: dict[str, int] = {}
    for defect in manifest["defects"]:
        if defect["kind"] in QUARANTINED_ROW_DEFECTS:
            malformed[defect["file"]] = malformed.get(defect["file"], 0) + defect["rows"]
    for outcome in first_load.outcomes:
        if outcome.status != "loaded":
            continue
        stem = Path(outcome.source).name.split(".")[0]
        assert outcome.rows_read == expected[outcome.source], outcome
        assert outcome.rows_rejected == malformed.get(stem, 0), outcome
        assert outcome.rows_loaded + outcome.rows_rejected == outcome.rows_read
    assert sum(malformed.values()) > 0, "the generator plants malformed rows"
    reasons = [r[0] for r in rows(client, "SELECT reason FROM raw.load_rejected_rows")]
    assert len(reasons) == sum(malformed.values()) and all(reasons)


def test_the_batch_log_agrees_with_the_tables(first_load, client):
    logged = rows(client, "SELECT table_name, sum(rows_loaded), sum(rows_rejected) FROM raw.committed_batches "
                          "GROUP BY table_name")
    for table_name, loaded, rejected in logged:
        in_raw = rows(client, f"SELECT count() FROM raw.`{table_name}`")[0][0]
        in_quarantine = rows(client, "SELECT count() FROM raw.load_rejected_rows WHERE table_name = {t:String}",
                             t=table_name)[0][0]
        assert (in_raw, in_quarantine) == (loaded, rejected), table_name


def test_loading_the_inbox_again_changes_nothing(first_load, generated, client):
    inbox, _ = generated
    counts = "SELECT (SELECT count() FROM raw.load_batches), (SELECT count() FROM raw.load_rejected_rows), " \
             "(SELECT sum(total_rows) FROM system.tables WHERE database = 'raw' AND engine LIKE '%MergeTree')"
    before = rows(client, counts)
    again = load(client, inbox)
    assert again.ok and {o.status for o in again.outcomes} == {"skipped"}
    assert rows(client, counts) == before
