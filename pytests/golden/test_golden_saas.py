"""Golden test of the saas group: every row of the published churn views equals the generator's truth.

v_saas_churn_monthly, v_saas_companies and v_saas_company_months are compared with the truth's files; the
cohort retention, which the truth does not publish, with cohorts counted in Python from the truth's
company-months; the monthly totals over every segment (v_saas_churn_total_monthly) with the truth's segments
summed in Python, rates recomputed from the sums and the complete months from the truth's as-of date; and
`parebrick summary`'s saas line with that view's last complete month.

The truth (parebrick.generate.saas_truth) is computed in Python from the simulation's rows, never from the
files it writes and never with SQL; the warehouse gets only the saas extracts, planted defects included,
through the real loader and a real `dbt build` of the saas models and their parents. Grain keys must be the
same both ways; counts, dates, flags and labels exactly, money and percentages to 0.01.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from support import REPO, Warehouse, assert_view_equals_truth, run_tool

TOLERANCE = 0.01
# What the saas models need: the published views and everything upstream, plus the dictionary a staging
# test relates to (dim_saas_roles); the other groups are not generated and not built.
SELECT = ["--select", "+path:models/view/saas", "dim_saas_roles"]

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
}


@pytest.fixture(scope="module")
def saas_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saas-only landing zone with its truth (the saas simulation spans its years whatever --days says)."""
    out = tmp_path_factory.mktemp("saas_sample") / "sample"
    result = run_tool(["parebrick", "generate", "--out", str(out), "--days", "1", "--calls-per-day", "100",
                       "--groups", "saas"], cwd=REPO)
    assert result.returncode == 0, result.output[-3000:]
    return out


@pytest.fixture(scope="module")
def saas_warehouse(saas_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The saas extracts loaded and the saas models built on a throwaway embedded warehouse."""
    warehouse = Warehouse(tmp_path_factory.mktemp("saas_warehouse"), REPO)
    warehouse.load(saas_extracts / "inbox")
    warehouse.dbt("build", *SELECT)
    return warehouse


def read_truth(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_text(value) -> str:
    """A warehouse value as the truth files write it: empty for NULL, True/False, ISO dates and times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_saas_view_matches_the_generators_truth(saas_warehouse, saas_extracts, view):
    truth_file, grain, exact, rates = VIEWS[view]
    names, rows = saas_warehouse.rows(f"SELECT * FROM views.{view}")
    assert_view_equals_truth(read_truth(saas_extracts / "truth" / f"{truth_file}.csv"), names, rows, grain, exact,
                             rates, lambda value, _column: as_text(value), TOLERANCE)


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
    truth = [{"report_month": month, **{column: as_text(value) for column, value in totals.items()}}
             for month, totals in total_truth(saas_extracts).items()]
    names, rows = saas_warehouse.rows("SELECT * FROM views.v_saas_churn_total_monthly")
    assert_view_equals_truth(truth, names, rows, ("report_month",), ("is_complete_month",) + TOTAL_COUNTS,
                             TOTAL_MONEY + TOTAL_RATES, lambda value, _column: as_text(value), TOLERANCE)


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
