"""Golden test of the saas group: every row of the published churn views equals the generator's truth.

v_saas_churn_monthly, v_saas_companies, v_saas_company_months and v_saas_company_roles are compared with the
truth's files; the cohort retention, which the truth does not publish, with cohorts counted in Python from
the truth's company-months; the monthly totals over every segment (v_saas_churn_total_monthly) with the
truth's segments summed in Python, rates recomputed from the sums and the complete months from the truth's
as-of date; and `parebrick summary`'s saas line with that view's last complete month.

The truth (parebrick.generate.saas_truth) is computed in Python from the simulation's rows, never from the
files it writes and never with SQL; the warehouse gets only the saas extracts, planted defects included,
through the real loader and a real `dbt build` of the saas models and their parents. Grain keys must be the
same both ways; counts, dates, flags and labels exactly, money and percentages to 0.01. The sample and the
warehouse are the session's fixtures saas_extracts and saas_warehouse (pytests/conftest.py, which the churn
methods' tests share). Last, a warehouse built without the last monthly delivery and then run again with it
must equal the one built in one go, in every saas model.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from support import REPO, SAAS_SELECT, Warehouse, assert_view_equals_truth, read_truth, truth_text

TOLERANCE = 0.01
# A monthly delivery's file: `<table>_<YYYYMM>` (the full export is `<table>_<YYYYMMDD>_full`), maybe resent.
MONTHLY_FILE = re.compile(r"^[a-z]+_(\d{6})(_resend)?\.csv(\.gz)?$")
# Columns that say when and by which load a row arrived: they differ between two warehouses by design.
LOAD_COLUMNS = ("batch_id", "loaded_at", "rejected_at", "build_id")

# view → (truth file, grain columns, columns compared exactly, columns compared to TOLERANCE)
VIEWS = {
    "v_saas_churn_monthly": (
        "v_saas_churn_monthly",
        ("report_month", "industry", "size_bucket", "tariff_group"),
        ("active_start", "new", "reactivated", "churned", "active_end"),
        ("logo_churn_pct", "mrr_start", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
         "reactivation_mrr", "mrr_end", "gross_mrr_churn_pct", "net_mrr_churn_pct"),
    ),
    "v_saas_companies": (
        "v_saas_companies",
        ("company_id",),
        ("industry", "size_bucket", "created_at", "first_paid_on", "churned_on", "lifetime_days", "is_censored",
         "reactivations", "users_active", "tariff_group", "had_price_increase", "months_active",
         "price_increase_on"),
        ("on_time_renewal_pct",),
    ),
    "v_saas_company_months": (
        "saas_company_months",
        ("company_id", "report_month"),
        ("movement", "billing_tariff_id", "tariff_group"),
        ("mrr", "previous_mrr"),
    ),
    "v_saas_company_roles": (
        "saas_company_roles",
        ("company_id", "role_id"),
        ("role_name", "users_active"),
        (),
    ),
}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_saas_view_matches_the_generators_truth(saas_warehouse, saas_extracts, view):
    truth_file, grain, exact, rates = VIEWS[view]
    names, rows = saas_warehouse.rows(f"SELECT * FROM views.{view}")
    assert_view_equals_truth(read_truth(saas_extracts / "truth" / f"{truth_file}.csv"), names, rows, grain, exact,
                             rates, lambda value, _column: truth_text(value), TOLERANCE)


def cohort_truth(saas_extracts: Path) -> dict[tuple[str, int], tuple[int, int]]:
    """(cohort month, months since start) → (cohort size, active), counted in Python from the truth's
    company-months: a company's cohort is its `new` month, and it is active in every row but a churn."""
    months = read_truth(saas_extracts / "truth" / "saas_company_months.csv")
    as_of_month = max(dt.date.fromisoformat(row["report_month"]) for row in months)
    cohort = {row["company_id"]: dt.date.fromisoformat(row["report_month"]) for row in months
              if row["movement"] == "new"}
    sizes: dict[dt.date, int] = {}
    for start in cohort.values():
        sizes[start] = sizes.get(start, 0) + 1
    active: dict[tuple[dt.date, int], int] = {}
    for row in months:
        if row["movement"] != "churn":
            start, month = cohort[row["company_id"]], dt.date.fromisoformat(row["report_month"])
            key = (start, (month.year - start.year) * 12 + month.month - start.month)
            active[key] = active.get(key, 0) + 1
    span = {start: (as_of_month.year - start.year) * 12 + as_of_month.month - start.month for start in sizes}
    return {(start.isoformat(), k): (size, active.get((start, k), 0))
            for start, size in sizes.items() for k in range(span[start] + 1)}


def test_cohort_retention_matches_the_truths_company_months(saas_warehouse, saas_extracts):
    truth = cohort_truth(saas_extracts)
    _, rows = saas_warehouse.rows("SELECT toString(cohort_month), months_since_start, cohort_size, active,"
                                  " retention_pct FROM views.v_saas_cohort_retention")
    got = {(month, int(k)): (int(size), int(active), pct) for month, k, size, active, pct in rows}
    assert truth and sorted(got) == sorted(truth)
    mismatches = [(key, want, got[key]) for key, want in truth.items()
                  if got[key][:2] != want or abs(got[key][2] - 100 * want[1] / want[0]) > TOLERANCE]
    assert mismatches == [], f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


def test_the_saas_truth_has_every_movement_and_edge(saas_extracts):
    """The sample exercises what the rules decide: every movement, censored and churned companies, companies
    that never paid, reactivations and price increases (else the comparison above proves little)."""
    months = read_truth(saas_extracts / "truth" / "saas_company_months.csv")
    assert {row["movement"] for row in months} == {"new", "churn", "reactivation", "expansion", "contraction",
                                                   "retained"}
    companies = read_truth(saas_extracts / "truth" / "v_saas_companies.csv")
    assert {row["is_censored"] for row in companies} == {"True", "False", ""}
    assert any(int(row["reactivations"]) > 0 for row in companies)
    assert any(row["had_price_increase"] == "True" for row in companies)


# The additive columns of the churn bridge (summed over segments) and the rates recomputed from the sums.
TOTAL_COUNTS = ("active_start", "new", "reactivated", "churned", "active_end")
TOTAL_MONEY = ("mrr_start", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
               "mrr_end")
TOTAL_RATES = ("logo_churn_pct", "gross_mrr_churn_pct", "net_mrr_churn_pct")


def total_truth(saas_extracts: Path) -> dict[str, dict[str, object]]:
    """report_month → the month's totals: the truth's v_saas_churn_monthly summed over its segments, the rates
    computed again from the sums (METRICS.md), and whether the truth's as-of date reaches the month's end."""
    as_of = dt.date.fromisoformat(
        json.loads((saas_extracts / "truth" / "saas_planted_effects.json").read_text(encoding="utf-8"))["as_of"])
    months: dict[str, dict[str, float]] = {}
    for row in read_truth(saas_extracts / "truth" / "v_saas_churn_monthly.csv"):
        month = months.setdefault(row["report_month"], dict.fromkeys(TOTAL_COUNTS + TOTAL_MONEY, 0))
        for column in TOTAL_COUNTS:
            month[column] += int(row[column])
        for column in TOTAL_MONEY:
            month[column] += float(row[column])

    def pct(numerator: float, denominator: float) -> float | None:
        return None if denominator == 0 else 100 * numerator / denominator

    def month_end(first_day: str) -> dt.date:
        start = dt.date.fromisoformat(first_day)
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1) - dt.timedelta(days=1)

    return {
        report_month: {
            **m,
            "is_complete_month": month_end(report_month) <= as_of,
            "logo_churn_pct": pct(m["churned"], m["active_start"]),
            "gross_mrr_churn_pct": pct(m["churned_mrr"] + m["contraction_mrr"], m["mrr_start"]),
            "net_mrr_churn_pct": pct(m["churned_mrr"] + m["contraction_mrr"] - m["expansion_mrr"]
                                     - m["reactivation_mrr"], m["mrr_start"]),
        }
        for report_month, m in months.items()
    }


def test_total_view_matches_the_truths_segments_summed(saas_warehouse, saas_extracts):
    """v_saas_churn_total_monthly, which `parebrick summary` reads its saas line from, sums the truth's segments."""
    truth = [{"report_month": month, **{column: truth_text(value) for column, value in totals.items()}}
             for month, totals in total_truth(saas_extracts).items()]
    names, rows = saas_warehouse.rows("SELECT * FROM views.v_saas_churn_total_monthly")
    assert_view_equals_truth(truth, names, rows, ("report_month",), ("is_complete_month",) + TOTAL_COUNTS,
                             TOTAL_MONEY + TOTAL_RATES, lambda value, _column: truth_text(value), TOLERANCE)


def test_the_summary_saas_headline_is_the_total_views_last_complete_month(saas_warehouse, saas_extracts):
    """`parebrick summary` prints the last month the truth's as-of date covers whole, as the view publishes it
    (the month after it, the as-of month, is partial unless the as-of date is its last day)."""
    truth = total_truth(saas_extracts)
    last_complete = max(month for month, totals in truth.items() if totals["is_complete_month"])
    names, rows = saas_warehouse.rows("SELECT * FROM views.v_saas_churn_total_monthly "
                                      f"WHERE report_month = '{last_complete}'")
    view = dict(zip(names, rows[0]))
    result = saas_warehouse.run("parebrick", "summary", "--target", saas_warehouse.target)
    headline = next(line for line in result.output.splitlines() if line.startswith("SaaS, last full month "))

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f} %"

    active = f"{view['active_end']:,}".replace(",", " ")
    assert headline == (f"SaaS, last full month {last_complete[:7]}: {active} active companies, "
                        f"logo churn {percent(view['logo_churn_pct'])}, "
                        f"net MRR churn {percent(view['net_mrr_churn_pct'])}")
    assert view["active_end"] == truth[last_complete]["active_end"]


def copy_without_last_month(inbox: Path, before: Path) -> str:
    """Copy the inbox to `before` without the files of its last monthly delivery; returns that month."""
    months = {m.group(1) for path in inbox.rglob("*") if (m := MONTHLY_FILE.match(path.name))}
    last = max(months)
    for path in inbox.rglob("*"):
        match = MONTHLY_FILE.match(path.name)
        if path.is_file() and not (match and match.group(1) == last):
            target = before / path.relative_to(inbox)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return last


def saas_fingerprints(warehouse: Warehouse) -> dict[str, tuple[int, int]]:
    """Every saas model's (rows, order-free hash of its rows), load-time columns left out and floats rounded."""
    _, columns = warehouse.rows(
        "SELECT database, table, name, type FROM system.columns WHERE database IN "
        "('staging', 'detail', 'aggregate', 'views') AND (table LIKE '%saas%') ORDER BY database, table, position")
    by_table: dict[str, list[str]] = {}
    for database, table, name, kind in columns:
        if name not in LOAD_COLUMNS:
            by_table.setdefault(f"{database}.{table}", []).append(f"round(`{name}`, 6)" if "Float" in kind
                                                                else f"`{name}`")
    out = {}
    for relation, expressions in by_table.items():
        _, rows = warehouse.rows(f"SELECT count(), groupBitXor(cityHash64({', '.join(expressions)})) FROM {relation}")
        out[relation] = rows[0]
    return out


def test_one_more_monthly_delivery_equals_a_build_in_one_go(saas_warehouse, saas_extracts, tmp_path_factory):
    """The warehouse built from the inbox without its last monthly delivery, then loaded with it and run
    again, holds exactly what one built from the whole inbox at once holds, in every saas model."""
    inbox = saas_extracts / "inbox"
    first_part = tmp_path_factory.mktemp("saas_first_part") / "inbox"
    last_month = copy_without_last_month(inbox, first_part)
    assert any(last_month in path.name for path in inbox.rglob("*.csv*"))

    incremental = Warehouse(tmp_path_factory.mktemp("saas_incremental"), REPO)
    incremental.load(first_part)
    incremental.dbt("build", *SAAS_SELECT)
    before = saas_fingerprints(incremental)
    incremental.load(inbox)
    incremental.dbt("run", *SAAS_SELECT)

    after, in_one_go = saas_fingerprints(incremental), saas_fingerprints(saas_warehouse)
    assert {"views.v_saas_companies", "views.v_saas_data_quality", "detail.dtl_saas__subscriptions",
            "staging.stg_saas__billing"} <= set(in_one_go)
    assert sorted(after) == sorted(in_one_go)
    assert before != in_one_go, "the last delivery changes the warehouse (else the comparison proves little)"
    differing = {relation: (after[relation], in_one_go[relation]) for relation in in_one_go
                 if after[relation] != in_one_go[relation]}
    assert differing == {}, f"(rows, hash) after the increment and built in one go: {differing}"
