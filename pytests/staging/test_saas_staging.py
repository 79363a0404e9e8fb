"""The saas staging views (seed 004) on a generated inbox: each table's latest version per key, exactly as
the files deliver it (the corrupted billing copies never win), negative activity counts NULL and counted, and
the industry spelling normalised as dim_saas_industries (and the generator's truth) expect."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from support import REPO, Warehouse

from parebrick.generate import RunSpec, generate
from parebrick.generate.dictionaries import load_saas, normalised_spelling

SPEC = dict(start_date=dt.date(2025, 4, 30), days=1, calls_per_day=100, seed=8, groups=("saas",))
SELECT = ("stg_saas__companies stg_saas__people stg_saas__billing stg_saas__activities dim_saas_tariffs "
          "dim_saas_prices dim_saas_size_buckets dim_saas_roles dim_saas_industries")
COUNTS = {"company-month-billing": "invoices", "company-month-stocks": "stocks", "company-month-backups": "backups",
          "company-month-projects": "projects", "company-month-contractors": "contractors",
          "company-month-resource-orders": "resource_orders"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Warehouse, Path, dict, str]:
    root = tmp_path_factory.mktemp("saas_staging")
    out = root / "sample"
    manifest = generate(RunSpec(out=out, **SPEC), progress=False)
    warehouse = Warehouse(root, REPO)
    loaded = warehouse.load(out / "inbox")
    assert loaded.returncode == 0, loaded.output[-3000:]
    # only the tests of what is built here: a test of a saas detail model that reads a seed is left out
    build = warehouse.dbt("build", "--select", SELECT, "--indirect-selection", "cautious")
    return warehouse, out, manifest, build.output


def latest(out: Path, manifest: dict, table: str, key: tuple[str, ...]) -> dict[tuple, dict[str, str]]:
    """Each key's row with the newest updated_at (or from the last file), the resend and malformed copies left out."""
    bad: dict[str, int] = {}
    for d in manifest["defects"]:
        if d["kind"] == "malformed" and d["table"] == table:
            bad[d["file"]] = bad.get(d["file"], 0) + d["rows"]
    paths = [p for p in (out / "inbox" / "saas" / table).glob("*.csv") if not p.stem.endswith("_resend")]
    result: dict[tuple, dict[str, str]] = {}
    for path in sorted(paths, key=lambda p: (not p.stem.endswith("_full"), p.stem)):
        with path.open(encoding="utf-8", newline="") as handle:
            data = list(csv.reader(handle))
        for values in data[1:len(data) - bad.get(path.stem, 0)]:
            row = dict(zip(data[0], values))
            k = tuple(row[c] for c in key)
            if k not in result or "updated_at" not in row or int(row["updated_at"]) >= int(result[k]["updated_at"]):
                result[k] = row
    return result


def test_the_build_passes_and_warns_only_of_people_of_missing_companies(built):
    _, _, manifest, output = built
    assert "ERROR=0" in output and "WARN=1" in output, output[-2000:]
    assert "relationships_stg_saas__people_company_id" in output
    assert manifest["defect_counts"]["orphan_people"]["people"] > 0


def test_billing_is_the_latest_version_of_every_row_and_corrupted_copies_never_win(built):
    warehouse, out, manifest, _ = built
    expected = {k[0]: (int(r["updated_at"]), r["is_payed"], int(r["payed_until"]), r["pay_date"],
                       r["billing_tariff_price_id"], r["comment"])
                for k, r in latest(out, manifest, "billing", ("id",)).items()}
    _, got = warehouse.rows("SELECT billing_id, toUnixTimestamp(updated_at), is_payed, toUnixTimestamp(payed_until), "
                            "ifNull(formatDateTime(pay_date, '%Y-%m-%d %H:%i:%s'), ''), billing_tariff_price_id, "
                            "ifNull(comment, '') FROM staging.stg_saas__billing")
    staged = {r[0]: (r[1], "True" if r[2] else "False", r[3], r[4], r[5], r[6]) for r in got}
    assert staged == expected
    copied = [d["note"].split("billing row ")[1].split(",")[0] for d in manifest["defects"] if d["kind"] == "malformed"]
    end = int(dt.datetime.combine(SPEC["start_date"], dt.time(23, 59, 59), dt.UTC).timestamp())
    assert len(copied) == 3 and all(staged[i][0] < end for i in copied)


def test_activities_are_one_per_company_month_with_negative_counts_null(built):
    warehouse, out, manifest, _ = built
    files = latest(out, manifest, "activities", ("company_id", "month"))
    columns = ", ".join(COUNTS.values())
    _, got = warehouse.rows(f"SELECT company_id, toString(activity_month), {columns}, negative_counts "
                            "FROM staging.stg_saas__activities")
    assert len(got) == len(files)
    negative = 0
    for company, month, *values in got:
        counts, flagged = values[:-1], values[-1]
        row = files[(company, month)]
        delivered = [int(row[field]) for field in COUNTS]
        assert counts == [v if v >= 0 else None for v in delivered]
        assert flagged == sum(v < 0 for v in delivered)
        negative += flagged > 0
    assert negative == manifest["defect_counts"]["negative_activity"]["activities"] > 0


def test_companies_and_people_are_their_latest_versions_and_spellings_normalise_like_the_truth(built):
    warehouse, out, manifest, _ = built
    companies = latest(out, manifest, "companies", ("id",))
    _, got = warehouse.rows("SELECT company_id, working_direction, industry_spelling, toUnixTimestamp(updated_at), "
                            "billing_tariff_id, billing_is_over FROM staging.stg_saas__companies")
    assert len(got) == len(companies)
    spellings = set(load_saas().industries["working_direction"])
    for company, typed, spelling, updated, tariff, over in got:
        row = companies[(company,)]
        assert (typed, updated, tariff, "True" if over else "False") == (
            row["working_direction"], int(row["updated_at"]), row["billing_tariff_id"], row["billing_is_over"])
        assert spelling == normalised_spelling(typed) and spelling in spellings, typed
    assert any(typed != typed.strip() or "  " in typed for _, typed, *_ in got)
    people = latest(out, manifest, "people", ("user_id",))
    _, got = warehouse.rows("SELECT user_id, company_id, role_id, is_deleted, deleted_at IS NULL "
                            "FROM staging.stg_saas__people")
    assert {r[0]: (r[1], r[2], "True" if r[3] else "False", r[4]) for r in got} == {
        k[0]: (r["company_id"], r["role_id"], r["is_deleted"], r["deleted_at"] == "") for k, r in people.items()}
