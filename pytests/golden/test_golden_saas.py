"""Golden test of the saas group: every row of the published churn views equals the generator's truth.

v_saas_churn_monthly, v_saas_companies, v_saas_company_months and v_saas_company_roles are compared with the
truth's files; the cohort retention, which the truth does not publish, with cohorts counted in Python from
the truth's company-months.

The truth (parebrick.generate.saas_truth) is computed in Python from the simulation's rows, never from the
files it writes and never with SQL; the warehouse gets only the saas extracts, planted defects included,
through the real loader and a real `dbt build` of the saas models and their parents (the session fixtures
saas_extracts and saas_warehouse of pytests/conftest.py, which the churn methods' tests share). Grain keys
must be the same both ways; counts, dates, flags and labels exactly, money and percentages to 0.01.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from support import assert_view_equals_truth

TOLERANCE = 0.01

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
