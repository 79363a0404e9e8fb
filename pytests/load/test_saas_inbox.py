"""The saas group's generated inbox (seed 004) loads as its declaration says: every file once, epoch seconds,
hyphenated and unnamed headers, `True`/`False`, text ids; the corrupted billing copies quarantined with their
reasons and never winning; the export's own defects landed as delivered for staging to handle and count."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from loadkit import client, load, rows, warehouse_dir  # noqa: F401 (fixtures)

from parebrick.generate import RunSpec, generate

SPEC = dict(start_date=dt.date(2025, 2, 17), days=1, calls_per_day=100, seed=21, groups=("saas",))
TABLES = ("companies", "people", "billing", "activities")
KEYS = {"companies": ("id",), "people": ("user_id",), "billing": ("id",), "activities": ("company_id", "month")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("saas_generated")
    manifest = generate(RunSpec(out=out, **SPEC), progress=False)
    return out, manifest


@pytest.fixture(scope="module")
def first_load(client, generated):
    out, _ = generated
    return load(client, out / "inbox")


def file_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        data = list(csv.reader(handle))
    return data[0], data[1:]


def delivered(out: Path, manifest: dict, table: str) -> list[dict[str, str]]:
    """The table's rows as delivered, by header, without the duplicate file and the malformed copies."""
    bad = {d["file"]: 0 for d in manifest["defects"] if d["table"] == table and d["kind"] == "malformed"}
    for d in manifest["defects"]:
        if d["table"] == table and d["kind"] == "malformed":
            bad[d["file"]] += d["rows"]
    out_rows = []
    for path in sorted((out / "inbox" / "saas" / table).glob("*.csv")):
        if path.stem.endswith("_resend"):
            continue
        header, body = file_rows(path)
        body = body[:len(body) - bad.get(path.stem, 0)]
        out_rows.extend(dict(zip(header, r)) for r in body)
    return out_rows


def test_every_file_loads_once_and_rows_read_are_loaded_plus_rejected(first_load, generated):
    _, manifest = generated
    assert first_load.ok, [(o.source, o.reason) for o in first_load.outcomes if o.status != "loaded"]
    expected = {f["path"].removeprefix("inbox/"): f["rows"] for f in manifest["files"]}
    malformed: dict[str, int] = {}
    for d in manifest["defects"]:
        if d["kind"] == "malformed":
            malformed[d["file"]] = malformed.get(d["file"], 0) + d["rows"]
    duplicates = {d["file"] for d in manifest["defects"] if d["kind"] == "duplicate_file"}
    assert len(first_load.outcomes) == len(expected) and duplicates
    for o in first_load.outcomes:
        stem = Path(o.source).name.removesuffix(".csv")
        if stem in duplicates:
            assert o.status == "skipped", o
            continue
        assert o.status == "loaded", o
        assert o.rows_read == expected[o.source] == o.rows_loaded + o.rows_rejected, o
        assert o.rows_rejected == malformed.get(stem, 0), o
    assert sum(malformed.values()) == 3


def test_the_corrupted_copies_are_quarantined_with_their_reasons_and_never_win(first_load, client, generated):
    _, manifest = generated
    reasons = rows(client, "SELECT source_row, reason FROM raw.load_rejected_rows WHERE table_name = 'saas__billing' "
                           "ORDER BY source_row")
    assert [r for _, r in reasons][:2] == [
        f"column payed_until: not a valid time: {reasons[0][1].rsplit(': ', 1)[1]}",
        "column is_payed: not a boolean (this format writes True/False): true"]
    assert reasons[0][1].rsplit(": ", 1)[1].count("-") == 2, "the date written instead of epoch seconds"
    assert len(reasons) == 3 and reasons[2][1]
    copied = [d["note"].split("billing row ")[1].split(",")[0] for d in manifest["defects"] if d["kind"] == "malformed"]
    newest = rows(client, "SELECT id, max(updated_at) FROM raw.saas__billing WHERE id IN {ids:Array(String)} GROUP BY id",
                  ids=copied)
    end = dt.datetime.combine(SPEC["start_date"], dt.time(23, 59, 59))
    assert len(newest) == 3 and all(updated < end for _, updated in newest), "no copy stamped with the export's end"


def test_raw_holds_every_delivered_row_with_its_values(first_load, client, generated):
    out, manifest = generated
    for table in TABLES:
        delivered_rows = delivered(out, manifest, table)
        assert rows(client, f"SELECT count() FROM raw.saas__{table}")[0][0] == len(delivered_rows), table
        keys = {tuple(r[k] for k in KEYS[table]) for r in delivered_rows}
        distinct = rows(client, f"SELECT count() FROM (SELECT DISTINCT {', '.join(KEYS[table])} FROM raw.saas__{table})")
        assert distinct[0][0] == len(keys), table
    billing = {(r["id"], int(r["updated_at"])): r for r in delivered(out, manifest, "billing")}
    landed = rows(client, "SELECT id, toUnixTimestamp(updated_at), toUnixTimestamp(payed_until), is_payed, "
                          "billing_tariff_price_id, comment, pay_date FROM raw.saas__billing")
    for id_, updated, until, payed, price, comment, pay_date in landed:
        r = billing[(id_, updated)]
        assert (str(until), "True" if payed else "False", price, comment or "") == (
            r["payed_until"], r["is_payed"], r["billing_tariff_price_id"], r["comment"]), id_
        assert (pay_date.strftime("%Y-%m-%d %H:%M:%S") if pay_date else "") == r["pay_date"], id_


def test_hyphenated_and_unnamed_headers_and_free_text_land_as_written(first_load, client, generated):
    out, manifest = generated
    activities = delivered(out, manifest, "activities")
    totals = rows(client, "SELECT sum(company_month_billing), sum(company_month_resource_orders), "
                          "countIf(least(company_month_billing, company_month_stocks, company_month_backups, "
                          "company_month_projects, company_month_contractors, company_month_resource_orders) < 0) "
                          "FROM raw.saas__activities")[0]
    negative = sum(min(int(v) for k, v in r.items() if k.startswith("company-month-")) < 0 for r in activities)
    assert totals == (sum(int(r["company-month-billing"]) for r in activities),
                      sum(int(r["company-month-resource-orders"]) for r in activities), negative)
    assert negative == manifest["defect_counts"]["negative_activity"]["activities"] > 0
    indexes = rows(client, "SELECT min(row_index), countIf(row_index IS NULL) FROM raw.saas__people")
    assert indexes == [(0, 0)]
    spelled = {r["working_direction"] for r in delivered(out, manifest, "companies")}
    landed = {v for (v,) in rows(client, "SELECT DISTINCT working_direction FROM raw.saas__companies")}
    assert landed == spelled and any(v != v.strip() for v in landed), "spaces typed by sales are kept"


def test_the_exports_own_defects_land_for_staging_to_count(first_load, client, generated):
    _, manifest = generated
    counts = manifest["defect_counts"]
    before = rows(client, "SELECT count() FROM (SELECT id FROM raw.saas__billing GROUP BY id "
                          "HAVING argMax(payed_until, updated_at) < any(created_at))")[0][0]
    assert before == counts["payed_until_before_created"]["billing"]
    without = rows(client, "SELECT count(DISTINCT id) FROM raw.saas__companies "
                           "WHERE id NOT IN (SELECT company_id FROM raw.saas__billing)")[0][0]
    assert without == counts["company_without_billing"]["companies"]
    orphans = rows(client, "SELECT count(DISTINCT user_id) FROM raw.saas__people "
                           "WHERE company_id NOT IN (SELECT id FROM raw.saas__companies)")[0][0]
    assert orphans == counts["orphan_people"]["people"]


def test_loading_again_changes_nothing(first_load, client, generated):
    out, _ = generated
    counts = "SELECT (SELECT count() FROM raw.load_batches), (SELECT count() FROM raw.load_rejected_rows), " \
             "(SELECT sum(total_rows) FROM system.tables WHERE database = 'raw' AND name LIKE 'saas\\_\\_%')"
    before = rows(client, counts)
    again = load(client, out / "inbox")
    assert again.ok and {o.status for o in again.outcomes} == {"skipped"}
    assert rows(client, counts) == before


def test_the_truth_as_of_is_the_latest_billing_created_at_in_raw(first_load, client, generated):
    out, _ = generated
    as_of = json.loads((out / "truth" / "saas_planted_effects.json").read_text(encoding="utf-8"))["as_of"]
    assert rows(client, "SELECT toString(toDate(max(created_at))) FROM raw.saas__billing") == [(as_of,)]
