"""The saas group (seed 004): extracts exactly in SOURCES.md's formats, every listed defect present and
counted, the planted churn causes visible in the truth (and the role mix without effect), the truth's rules
at their edges, and the other groups untouched by the cloud service's simulation."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from parebrick.generate import RunSpec, SimParams, generate
from parebrick.generate.dictionaries import load_saas, normalised_spelling
from parebrick.generate.params import SaasParams
from parebrick.generate.saas_truth import (
    CHURN_MONTHLY_COLUMNS, COMPANIES_COLUMNS, GRACE_DAYS, Paid, company_months, on_time_pct, price_increase_day,
    subscriptions,
)
from parebrick.generate.subscriptions import DAY

SPEC = dict(start_date=dt.date(2025, 3, 3), days=1, calls_per_day=100, seed=11)
HEADERS = {
    "companies": "id,working_direction,employer_count_interval,created_at,updated_at,billing_tariff_id,billing_is_over",
    "people": ",company_id,user_id,role_id,created_at,updated_at,is_deleted,deleted_at",
    "billing": "id,user_id,company_id,billing_tariff_id,payed_until,is_payed,created_at,updated_at,"
               "billing_tariff_price_id,comment,pay_date",
    "activities": "company_id,month,company-month-billing,company-month-stocks,company-month-backups,"
                  "company-month-projects,company-month-contractors,company-month-resource-orders",
}
EPOCH_COLUMNS = {"companies": ("created_at", "updated_at"), "people": ("created_at", "updated_at", "deleted_at"),
                 "billing": ("payed_until", "created_at", "updated_at")}
BOOL_COLUMNS = {"companies": ("billing_is_over",), "people": ("is_deleted",), "billing": ("is_payed",)}
PAY_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
ACTIVITY_COUNTS = [h for h in HEADERS["activities"].split(",") if h.startswith("company-month-")]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("saas")
    return out, generate(RunSpec(out=out, groups=("saas",), **SPEC), progress=False)


def files(out: Path, table: str) -> list[Path]:
    """The table's files in delivery order (the full export first, then by month), the byte-identical resend
    left out."""
    found = [p for p in (out / "inbox" / "saas" / table).glob("*.csv") if not p.stem.endswith("_resend")]
    return sorted(found, key=lambda p: (not p.stem.endswith("_full"), p.stem))


def read(path: Path) -> pd.DataFrame:
    """A file as text, without the planted malformed copies (the manifest's, at the end of their file)."""
    manifest = json.loads((path.parents[3] / "manifest.json").read_text(encoding="utf-8"))
    bad = sum(d["rows"] for d in manifest["defects"] if d["kind"] == "malformed" and d["file"] == path.stem
              and d["table"] == path.parent.name)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return pd.DataFrame(rows[1:len(rows) - bad], columns=rows[0])


def latest(out: Path, table: str, key: str = "id") -> pd.DataFrame:
    """Every row's newest version across the table's files (valid rows only)."""
    frame = pd.concat([read(p) for p in files(out, table)], ignore_index=True)
    frame = frame.assign(_u=frame["updated_at"].astype("int64"))
    return frame.sort_values([key, "_u"], kind="stable").groupby(key).tail(1).drop(columns="_u")


def truth(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "truth" / name, dtype={"company_id": str}, keep_default_na=False, na_values=[""])


# --- formats ---------------------------------------------------------------------------------------------


def test_each_table_has_its_header_epoch_seconds_and_true_false(run):
    out, _ = run
    for table, header in HEADERS.items():
        paths = files(out, table)
        assert len(paths) >= 3, table
        assert paths[0].stem.endswith("_full")
        for path in paths:
            text = path.read_text(encoding="utf-8")
            assert text.split("\n", 1)[0] == header, path.name
            frame = read(path)
            for column in EPOCH_COLUMNS.get(table, ()):
                values = frame[column][frame[column] != ""]
                assert values.str.fullmatch(r"\d{9,10}").all(), (path.name, column)
            for column in BOOL_COLUMNS.get(table, ()):
                assert set(frame[column]) <= {"True", "False"}, (path.name, column)
            assert frame[HEADERS[table].split(",")[1 if table == "people" else 0]].str.fullmatch(r"\d+").all()


def test_billing_pay_date_is_text_and_empty_when_unpaid(run):
    out, _ = run
    frame = pd.concat([read(p) for p in files(out, "billing")])
    paid = frame["is_payed"] == "True"
    assert frame.loc[paid, "pay_date"].str.match(PAY_DATE).all()
    assert (frame.loc[~paid, "pay_date"] == "").all() and (~paid).any()
    assert frame["comment"].str.contains(",").any(), "comments with commas are quoted and read back whole"


def test_activities_months_are_first_days_and_keys_are_unique(run):
    out, _ = run
    frame = pd.concat([read(p) for p in files(out, "activities")])
    assert frame["month"].str.fullmatch(r"\d{4}-\d{2}-01").all()
    assert not frame.duplicated(["company_id", "month"]).any()
    last_day = dt.date.fromisoformat(json.loads((out / "truth" / "saas_planted_effects.json").read_text())["as_of"])
    assert frame["month"].max() < last_day.replace(day=1).isoformat(), "only complete months are exported"


def test_the_span_is_about_three_years_ending_at_the_runs_last_day(run):
    out, _ = run
    effects = json.loads((out / "truth" / "saas_planted_effects.json").read_text(encoding="utf-8"))
    last = SPEC["start_date"] + dt.timedelta(days=SPEC["days"] - 1)
    assert effects["as_of"] == effects["span"]["last_day"] == last.isoformat()
    first = dt.date.fromisoformat(effects["span"]["first_day"])
    assert 3 * 365 - 5 <= (last - first).days <= 3 * 366
    companies = latest(out, "companies")
    assert 2000 <= len(companies) <= 5000


# --- defects ---------------------------------------------------------------------------------------------


def test_every_defect_sources_lists_is_in_the_files_and_counted(run):
    out, manifest = run
    counts = manifest["defect_counts"]
    billing = latest(out, "billing")
    before = (billing["payed_until"].astype("int64") < billing["created_at"].astype("int64")).sum()
    assert before == counts["payed_until_before_created"]["billing"] > 0
    activities = pd.concat([read(p) for p in files(out, "activities")])
    negative = (activities[ACTIVITY_COUNTS].astype(int) < 0).any(axis=1).sum()
    assert negative == counts["negative_activity"]["activities"] > 0
    companies = latest(out, "companies")
    without = ~companies["id"].isin(set(billing["company_id"]))
    assert without.sum() == counts["company_without_billing"]["companies"] > 0
    people = latest(out, "people", key="user_id")
    orphans = ~people["company_id"].isin(set(companies["id"]))
    assert orphans.sum() == counts["orphan_people"]["people"] > 0
    industries = load_saas().industries.set_index("working_direction")["industry"]
    mapped = companies["working_direction"].map(normalised_spelling).map(industries)
    assert mapped.notna().all(), "every spelling maps to an industry through dim_saas_industries"
    assert (companies["working_direction"] != mapped).sum() == counts["industry_spelling"]["companies"] > 0
    spellings = companies.groupby(mapped)["working_direction"].nunique()
    assert (spellings >= 3).all(), spellings


def test_malformed_copies_carry_the_newest_updated_at_and_the_duplicate_is_byte_identical(run):
    out, manifest = run
    bad = [d for d in manifest["defects"] if d["kind"] == "malformed" and d["table"] == "billing"]
    assert len(bad) == 3 and len({d["file"] for d in bad}) == 1
    lines = (out / "inbox" / "saas" / "billing" / f"{bad[0]['file']}.csv").read_text(encoding="utf-8").splitlines()
    tail = [next(csv.reader([line])) for line in lines[-3:]]
    assert [len(r) for r in tail] == [11, 11, 3]
    newest = max(int(r[7]) for r in (next(csv.reader([line])) for line in lines[1:-3]))
    assert all(int(r[7]) >= newest for r in tail[:2])
    (dup,) = [d for d in manifest["defects"] if d["kind"] == "duplicate_file" and d["table"] == "billing"]
    copy = out / "inbox" / "saas" / "billing" / f"{dup['file']}.csv"
    assert copy.read_bytes() == copy.with_name(dup["file"].removesuffix("_resend") + ".csv").read_bytes()


def test_rows_come_again_with_a_newer_updated_at_and_invoices_are_paid_later(run):
    out, manifest = run
    for table, key in (("billing", "id"), ("companies", "id"), ("people", "user_id")):
        seen: dict[str, int] = {}
        again = newer = 0
        for path in files(out, table):
            frame = read(path)
            for k, updated in zip(frame[key], frame["updated_at"].astype(int)):
                if k in seen:
                    again += 1
                    assert updated >= seen[k], (table, k)
                    newer += updated > seen[k]
                seen[k] = updated
        assert again == newer == manifest["defect_counts"]["redelivered_newer"][table] > 0, table
    first = pd.concat([read(p).assign(_f=i) for i, p in enumerate(files(out, "billing"))])
    states = first.groupby("id")["is_payed"].agg(lambda s: "".join(v[0] for v in s))
    assert states.str.contains("FT").sum() > 0, "invoices exported unpaid, then paid in a later export"


# --- what the files say about payments -------------------------------------------------------------------


def test_bonus_months_discounts_upgrades_and_late_payments_are_there(run):
    out, _ = run
    billing = latest(out, "billing")
    prices = load_saas().prices.set_index("billing_tariff_price_id")["price_rub"]
    covering = billing["payed_until"].astype("int64") > billing["created_at"].astype("int64")
    free = (billing["billing_tariff_price_id"].astype(int).map(prices) == 0) & covering
    assert free.sum() > 100 and billing.loc[free, "comment"].str.contains("бонус|пробный|бесплатный").all()
    assert billing["comment"].str.contains("скидка").sum() > 50
    assert billing["comment"].str.contains("апгрейд").sum() > 10
    paid = billing[(billing["is_payed"] == "True") & (billing["payed_until"].astype("int64")
                                                      > billing["created_at"].astype("int64"))].copy()
    paid["pay_day"] = (pd.to_datetime(paid["pay_date"]) - pd.Timestamp("1970-01-01")).dt.days
    paid["until_day"] = paid["payed_until"].astype("int64") // DAY
    paid = paid.sort_values(["company_id", "pay_day"])
    late = paid["pay_day"] - paid.groupby("company_id")["until_day"].shift()
    assert ((late >= 1) & (late <= GRACE_DAYS)).sum() > 100, "paid late within the grace"
    assert ((late > GRACE_DAYS) & (late <= 90)).sum() > 20, "paid past the grace"
    assert (billing["is_payed"] == "False").sum() > 100, "invoices never paid"


# --- the truth -------------------------------------------------------------------------------------------


def test_truth_columns_identities_and_one_row_per_company(run):
    out, _ = run
    churn = truth(out, "v_saas_churn_monthly.csv")
    assert tuple(churn.columns) == CHURN_MONTHLY_COLUMNS
    assert not churn.duplicated(["report_month", "industry", "size_bucket", "tariff_group"]).any()
    assert (churn["active_end"] == churn["active_start"] + churn["new"] + churn["reactivated"]
            - churn["churned"]).all()
    bridge = (churn["mrr_start"] + churn["new_mrr"] + churn["expansion_mrr"] - churn["contraction_mrr"]
              - churn["churned_mrr"] + churn["reactivation_mrr"] - churn["mrr_end"])
    assert bridge.abs().max() < 1e-6
    assert churn["logo_churn_pct"].isna().equals(churn["active_start"] == 0)
    companies = truth(out, "v_saas_companies.csv")
    assert tuple(companies.columns) == COMPANIES_COLUMNS
    assert set(companies["company_id"]) == set(latest(out, "companies")["id"])
    subs = truth(out, "saas_subscriptions.csv")
    counts = subs.groupby("company_id").size()
    with_subs = companies.set_index("company_id").loc[counts.index]
    assert (with_subs["reactivations"] == counts - 1).all() and counts.max() > 1
    assert companies["lifetime_days"].isna().equals(companies["first_paid_on"].isna())
    assert (companies["churned_on"].isna() | ~companies["is_censored"].astype("boolean").fillna(True)).all()
    months = truth(out, "saas_company_months.csv")
    per_company = months[months["movement"] != "churn"].groupby("company_id").size()
    assert per_company.equals(companies.set_index("company_id")["months_active"][per_company.index])
    assert set(months["movement"]) == {"new", "churn", "reactivation", "expansion", "contraction", "retained"}


def test_the_typical_client_looks_like_the_seeds(run):
    out, _ = run
    companies = truth(out, "v_saas_companies.csv")
    assert 3.0 <= companies["users_active"].mean() <= 6.5
    assert companies["tariff_group"].value_counts().index[0] == "старт"
    assert 93 <= companies["on_time_renewal_pct"].mean() <= 99


@pytest.fixture(scope="module")
def hazard_months(run) -> pd.DataFrame:
    """Company-months at risk (active the month before) with each company's planted factors."""
    out, _ = run
    months = truth(out, "saas_company_months.csv")
    factors = truth(out, "saas_company_factors.csv")
    companies = truth(out, "v_saas_companies.csv")[["company_id", "price_increase_on"]]
    months = months.merge(factors, on="company_id").merge(companies, on="company_id")
    months = months[months["movement"].isin(["churn", "retained", "expansion", "contraction"])]
    return months.assign(churned=months["movement"] == "churn")


def test_churn_hazard_is_higher_after_renewing_at_a_raised_price(hazard_months):
    first_raise = hazard_months["price_increase_on"].dropna().min()
    after = hazard_months[hazard_months["report_month"] > first_raise]
    raised = after["price_increase_on"].notna() & (after["price_increase_on"] < after["report_month"])
    assert raised.sum() > 5000 and (~raised).sum() > 5000
    assert after.loc[raised, "churned"].mean() > 1.4 * after.loc[~raised, "churned"].mean()


def test_the_smallest_and_least_active_companies_churn_more(hazard_months):
    h = hazard_months
    assert h.loc[h["size_interval"] == 1, "churned"].mean() > 1.4 * h.loc[h["size_interval"] >= 5, "churned"].mean()
    low, high = h["activity_level"].quantile([0.25, 0.75])
    assert h.loc[h["activity_level"] < low, "churned"].mean() > 1.4 * h.loc[h["activity_level"] > high,
                                                                              "churned"].mean()


def test_the_role_mix_has_no_effect(hazard_months):
    h = hazard_months
    median = h["manager_share"].median()
    ratio = h.loc[h["manager_share"] >= median, "churned"].mean() / h.loc[h["manager_share"] < median,
                                                                          "churned"].mean()
    assert 0.85 <= ratio <= 1.15, ratio


def test_the_saas_simulation_leaves_the_other_groups_byte_identical(tmp_path):
    spec = dict(start_date=dt.date(2025, 3, 3), days=2, calls_per_day=300, seed=5,
                groups=("cms", "crm", "wfm", "brm"))
    generate(RunSpec(out=tmp_path / "a", **spec), progress=False)
    other = dataclasses.replace(SimParams(), saas=SaasParams(companies=400, base_churn_monthly=0.05))
    generate(RunSpec(out=tmp_path / "b", **spec), other, progress=False)
    tree = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert any(str(p).startswith("inbox/cms") for p in tree)
    for rel in tree:
        if rel.parts[0] == "truth" and "saas" in rel.name:
            continue
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


# --- the rules at their edges (hand-made paid rows) --------------------------------------------------------

AS_OF = 20_000          # a day number; rows below are placed relative to it


def paid(id_: int, pay_day: int, until_day: int, monthly: float = 990.0, tariff: int = 2) -> Paid:
    return Paid(id_, tariff, monthly, pay_day, pay_day * DAY + 3600 * id_, until_day)


def test_a_gap_of_the_grace_is_one_subscription_and_a_day_more_is_a_churn():
    start = AS_OF - 400
    within = [paid(1, start, start + 30), paid(2, start + 30 + GRACE_DAYS, start + 90)]
    past = [paid(1, start, start + 30), paid(2, start + 30 + GRACE_DAYS + 1, start + 90)]
    assert subscriptions(within, AS_OF) == [(start, start + 90, False)]
    assert subscriptions(past, AS_OF) == [(start, start + 30, False), (start + 61, start + 90, False)]


def test_a_subscription_is_running_while_its_end_plus_the_grace_is_after_the_as_of_date():
    assert subscriptions([paid(1, AS_OF - 100, AS_OF - GRACE_DAYS + 1)], AS_OF)[0][2] is True
    assert subscriptions([paid(1, AS_OF - 100, AS_OF - GRACE_DAYS)], AS_OF)[0][2] is False


def test_a_bonus_month_keeps_the_mrr_and_a_raise_is_an_expansion_and_a_price_increase():
    # 2024-01-01 is day 19723: a paid month, a free month, then a renewal at a higher price.
    jan, feb, mar, apr = 19723, 19754, 19783, 19814
    rows = [paid(1, jan, feb), paid(2, feb, mar, monthly=0.0), paid(3, mar, apr, monthly=1190.0)]
    subs = subscriptions(rows, apr + 10)
    months = company_months(rows, subs, apr + 10)
    assert [(m["movement"], m["mrr"]) for m in months] == [("new", 990.0), ("retained", 990.0),
                                                           ("expansion", 1190.0), ("retained", 1190.0)]
    assert price_increase_day(rows) == mar
    assert price_increase_day(rows[:2]) is None


def test_a_churn_month_follows_the_last_active_month_and_a_return_is_a_reactivation():
    jan, feb, mar, jun, jul = 19723, 19754, 19783, 19875, 19905
    rows = [paid(1, jan, feb), paid(2, jun, jul)]
    months = company_months(rows, subscriptions(rows, jul + 100), jul + 100)
    assert [(m["report_month"], m["movement"], m["previous_mrr"]) for m in months][:3] == [
        ("2024-01-01", "new", 0.0), ("2024-02-01", "churn", 990.0), ("2024-06-01", "reactivation", 0.0)]
    assert mar < jun


def test_on_time_renewals_count_payments_up_to_thirty_days_after_the_previous_end():
    rows = [paid(1, 0, 30), paid(2, 60, 90), paid(3, 121, 150)]
    assert on_time_pct(rows) == 50.0
    assert on_time_pct(rows[:1]) is None


def test_the_planted_price_increase_is_the_one_the_metric_definition_finds():
    """The simulation raises a company's hazard from the renewal METRICS.md calls its price increase: the
    truth, computed from the rows alone, finds the same companies on the same days."""
    from parebrick.generate import saas_truth
    from parebrick.generate.subscriptions import simulate

    sim = simulate(load_saas(), SaasParams(companies=800), seed=4, last_day=20_200)
    companies = saas_truth.compute(sim).companies.set_index("company_id")
    planted = {sim.company_id[c]: saas_truth.iso(at // DAY) for c, at in sim.price_increase_at.items()}
    found = companies["price_increase_on"].dropna().to_dict()
    assert found == planted and len(found) > 100
    assert (companies["had_price_increase"] == companies.index.isin(list(planted))).all()
