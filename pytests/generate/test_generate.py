"""The sample-extract generator: formats per the sources YAML, determinism, keys, defects, distributions, truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from parebrick.generate import RunSpec, generate
from parebrick.generate.dictionaries import load

UCCX_TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?$")
RU_TS = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")
SPEC = dict(start_date=dt.date(2025, 3, 3), days=6, calls_per_day=4000, seed=7)


@pytest.fixture(scope="session")
def gen(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen")
    manifest = generate(RunSpec(out=out, **SPEC), progress=False)
    return out, manifest


def _files(out: Path, table: str) -> list[Path]:
    return sorted((out / "inbox").glob(f"*/{table}/*.csv"))


def _read(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)


def _intact(out: Path, table: str, manifest: dict) -> pd.DataFrame:
    """All rows of a table except resent files and the planted lines with too many or too few fields (read
    as text: only a short line has missing values)."""
    frames = []
    for f in _files(out, table):
        if f.stem.endswith("_resend"):
            continue
        frames.append(_read(f, on_bad_lines="skip", engine="python"))
    return pd.concat(frames).dropna()


def test_uccx_headers_and_timestamps(gen):
    out, _ = gen
    from parebrick.generate.uccx import ACD_COLUMNS, CCD_COLUMNS, CQD_COLUMNS
    for table, cols in (("uccx_contact_call_detail", CCD_COLUMNS), ("uccx_contact_queue_detail", CQD_COLUMNS),
                        ("uccx_agent_connection_detail", ACD_COLUMNS)):
        files = _files(out, table)
        assert len(files) >= SPEC["days"], table
        first = files[1].read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == ",".join(cols)
        frame = _read(files[1])
        assert frame["startDateTime"].str.match(UCCX_TS).all()


def test_uccx_codes(gen):
    out, manifest = gen
    ccd = _intact(out, "uccx_contact_call_detail", manifest)
    assert set(ccd["contactType"]) <= {"1", "2", "3", "4", "5", "6"}
    assert {"1", "4", "5"} <= set(ccd["contactType"])
    cqd = _intact(out, "uccx_contact_queue_detail", manifest)
    assert set(cqd["disposition"]) == {"1", "2", "3", "4", "5"}
    assert int(cqd["sessionSeqNum"].astype(int).max()) >= 1
    acd = _intact(out, "uccx_agent_connection_detail", manifest)
    assert (acd["holdTime"] == "-1").any() and (acd["workTime"] == "-1").any()


def test_queue_targets_resolve_in_dictionaries(gen):
    out, _ = gen
    csq = _read(_files(out, "uccx_contact_service_queue")[0])
    queue_map = load().queues
    assert set(csq["contactServiceQueueID"].astype(int)) <= set(queue_map["csq_id"])
    assert csq["contactServiceQueueID"].duplicated().sum() == 1            # the edited queue
    assert not csq["recordID"].duplicated().any()
    res = _read(_files(out, "uccx_resource")[0])
    assert res["resourceLoginID"].duplicated().any()                         # agents re-versioned
    assert not res["resourceID"].duplicated().any()


def test_keys_unique_before_planted_duplicates(gen):
    out, manifest = gen
    cqd = pd.concat(_read(f) for f in _files(out, "uccx_contact_queue_detail") if "_resend" not in f.name)
    key = ["nodeID", "profileID", "sessionID", "sessionSeqNum", "targetID", "targetType", "qIndex"]
    overlap = manifest["defect_counts"]["overlap"]["uccx_contact_queue_detail"]
    malformed = manifest["defect_counts"]["malformed"]["uccx_contact_queue_detail"]
    assert cqd.duplicated(key).sum() <= overlap + malformed
    assert cqd.duplicated(key).sum() >= overlap


def test_uccx_booleans_are_written_the_informix_way(gen):
    """`t` / `f`, as an Informix unload of db_cra writes them, and each flag that varies takes both values."""
    out, manifest = gen
    flags = {"uccx_contact_call_detail": {"transfer": {"t", "f"}, "redirect": {"t", "f"}, "conference": {"f"}},
             "uccx_contact_queue_detail": {"metServiceLevel": {"t", "f"}},
             "uccx_resource": {"active": {"t", "f"}, "autoAvail": {"t"}},
             "uccx_contact_service_queue": {"active": {"t", "f"}}}
    for table, columns in flags.items():
        rows = _intact(out, table, manifest)
        for column, values in columns.items():
            assert set(rows[column]) == values, (table, column)
    # The flags agree with the legs: a redirected call has a "redirect in" leg, a transferred one a "transfer in".
    ccd = _intact(out, "uccx_contact_call_detail", manifest)
    for flag, contact_type in (("redirect", "4"), ("transfer", "5")):
        flagged = set(ccd.loc[ccd[flag] == "t", "sessionID"])
        assert flagged == set(ccd.loc[ccd["contactType"] == contact_type, "sessionID"]), flag


def test_crm_malformed_copies_include_an_empty_appeal_id(gen):
    """Appeal ids are text, so the copy the loader must reject has an empty (required) appeal_id, and the
    manifest says so; the other two corrupted copies keep the appeal's padded id."""
    out, manifest = gen
    bad = [d for d in manifest["defects"] if d["kind"] == "malformed" and d["table"] == "appeals"]
    assert [d["note"].split(":")[0] for d in bad] == ["bad_date", "empty_id", "wrong_column_count"]
    assert len({d["file"] for d in bad}) == 1 and all(d["rows"] == 1 for d in bad)
    text = next((out / "inbox" / "crm" / "appeals").glob(bad[0]["file"] + ".csv")).read_bytes().decode("cp1251")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    empty = [r for r in body if r[0] == ""]
    assert len(empty) == 1 and len(empty[0]) == len(header)
    copied = re.search(r"appeal (\d{10}),", bad[1]["note"]).group(1)
    original = next(r for r in body if r[0] == copied)
    ids = slice(header.index("customer_id"), header.index("service_code") + 1)
    assert empty[0][ids] == original[ids]
    for d in (bad[0], bad[2]):
        aid = re.search(r"appeal (\d{10}),", d["note"]).group(1)
        assert sum(r[0] == aid for r in body) == 2, d                # the intact row and its corrupted copy


def test_crm_dialect(gen):
    out, _ = gen
    raw = _files(out, "appeals")[1].read_bytes()
    text = raw.decode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["appeal_id", "created_at", "channel"]
    body = [r for r in rows[1:] if len(r) == len(rows[0])]
    assert all(RU_TS.match(r[1]) for r in body)
    assert any("\n" in r[-1] and ";" in r[-1] for r in body)          # quoted multi-line comments


def test_defects_in_manifest_exist(gen):
    out, manifest = gen
    counts = manifest["defect_counts"]
    assert set(counts) >= {"duplicate_file", "overlap", "malformed", "late_arriving", "redelivered_newer",
                           "stale_redelivery"}
    for item in manifest["defects"]:
        if item["kind"] == "duplicate_file":
            resend = next((out / "inbox").rglob(item["file"] + ".csv"))
            original = resend.with_name(item["file"].removesuffix("_resend") + ".csv")
            assert resend.read_bytes() == original.read_bytes()
    assert counts["malformed"]["uccx_contact_call_detail"] == 3


def test_determinism(tmp_path, gen):
    out, _ = gen
    again = tmp_path / "again"
    generate(RunSpec(out=again, **SPEC), progress=False)
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_truth_consistent_and_sane(gen):
    out, _ = gen
    t = pd.read_csv(out / "truth" / "v_cc_service_daily.csv")
    assert list(t.columns) == ["report_date", "service_code", "service_name", "territory_code", "territory_name",
                               "offered", "handled", "abandoned", "short_abandoned", "handled_within_sl",
                               "service_level_pct", "abandon_rate_pct", "asa_sec", "aht_sec"]
    other = t["offered"] - t["handled"] - t["abandoned"]
    assert (other >= 0).all() and other.sum() > 0
    assert other.sum() < 0.05 * t["offered"].sum()
    s = t[["offered", "handled", "abandoned", "short_abandoned", "handled_within_sl"]].sum()
    sl = 100 * s.handled_within_sl / (s.offered - s.short_abandoned)
    ar = 100 * (s.abandoned - s.short_abandoned) / (s.offered - s.short_abandoned)
    aht = (t["aht_sec"].fillna(0) * t["handled"]).sum() / s.handled
    assert 55 <= sl <= 97, sl
    assert 1 <= ar <= 15, ar
    assert 200 <= aht <= 700, aht
    assert s.short_abandoned > 0
    r = pd.read_csv(out / "truth" / "v_crm_cms_reconciliation_daily.csv")
    assert (r["cms_handled"] == r["matched"] + r["cms_only"]).all()
    assert (r["crm_call_appeals"] >= r["matched"] + r["crm_only"]).all()
    assert (r["crm_call_appeals"] > r["matched"] + r["crm_only"]).any()
    daily = t.groupby(["report_date", "service_code"])["handled"].sum()
    rec = r.set_index(["report_date", "service_code"])["cms_handled"]
    assert daily.reindex(rec.index).fillna(0).astype(int).equals(rec.astype(int))


def test_manifest_is_json(gen):
    out, _ = gen
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["arguments"]["days"] == SPEC["days"]
    assert all(not Path(f["path"]).is_absolute() for f in data["files"])
