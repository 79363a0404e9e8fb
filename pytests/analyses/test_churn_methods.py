"""The churn study's methods (parebrick.analyses.churn): Kaplan–Meier and log-rank against hand computations,
the building blocks on small frames, and on the saas golden warehouse: every effect the simulation planted
(truth/saas_planted_effects.json) is found with p < 0.01 in its direction, and the role mix, planted with no
effect, is not flagged after Holm's correction."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from parebrick.analyses import churn, read_view

SIZE_ORDER = ["1", "2–4", "5–10", "11–20", "21–30", "31–50", "51–100", "101–200", "200+"]


def test_kaplan_meier_is_the_product_limit_by_hand():
    """Times 1, 2, 2+, 3, 4+, 5 (+ censored): S = 5/6, then ×4/5, ×2/3 (three at risk at 3), ×0 at 5."""
    curve = churn.kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    assert curve["time"].tolist() == [1, 2, 3, 5]
    assert curve["at_risk"].tolist() == [6, 5, 3, 1]
    assert curve["survival"].to_numpy() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0.0])
    assert churn.median_survival(curve) == 3
    # the band holds the estimate, inside 0 … 1, where it is defined
    inner = curve.iloc[:3]
    assert (inner["ci_low"] < inner["survival"]).all() and (inner["survival"] < inner["ci_high"]).all()
    assert (inner["ci_low"] > 0).all() and (inner["ci_high"] < 1).all()


def test_median_survival_is_unknown_while_most_survive():
    assert math.isnan(churn.median_survival(churn.kaplan_meier([1, 2, 3, 4], [True, False, False, False])))


def test_logrank_is_the_hand_computation():
    """Group a churns at 1 and 3, b at 2 and 4. E_a = 2/4 + 1/3 + 1/2 + 0 = 4/3; V = 1/4 + 2/9 + 1/4 + 0 =
    13/18; χ² = (2 − 4/3)² / V = 8/13."""
    time, event, group = [1, 3, 2, 4], [True] * 4, ["a", "a", "b", "b"]
    table, cov = churn.observed_expected(time, event, group, ["a", "b"])
    assert table["observed"].tolist() == [2, 2]
    assert table["expected"].to_numpy() == pytest.approx([4 / 3, 8 / 3])
    assert cov[0, 0] == pytest.approx(13 / 18) and cov[0, 1] == pytest.approx(-13 / 18)
    chi2, p, df = churn.logrank(time, event, group)
    assert (chi2, df) == (pytest.approx(8 / 13), 1)
    assert p == pytest.approx(stats.chi2.sf(8 / 13, 1))
    # two groups: the trend test is the signed square root of the log-rank χ²
    z, p_trend = churn.logrank_trend(time, event, group, ["a", "b"])
    assert z == pytest.approx(-math.sqrt(8 / 13)) and p_trend == pytest.approx(p)


def test_logrank_agrees_with_scipy_on_censored_groups():
    rng = np.random.default_rng(4)
    time = np.concatenate([rng.exponential(10, 60), rng.exponential(14, 60), rng.exponential(20, 60)]).round()
    event = rng.random(180) < 0.7
    group = np.repeat(["a", "b", "c"], 60)
    chi2, _, df = churn.logrank(time, event, group)
    table, cov = churn.observed_expected(time, event, group, ["a", "b", "c"])
    diff = (table["observed"] - table["expected"]).to_numpy()[:2]
    assert diff @ np.linalg.solve(cov[:2, :2], diff) == pytest.approx(chi2, rel=1e-9)
    assert df == 2
    pair = np.isin(group, ["a", "c"])
    chi2_ac, _, _ = churn.logrank(time[pair], event[pair], group[pair])
    reference = stats.logrank(stats.CensoredData(uncensored=time[pair & event & (group == "a")],
                                                 right=time[pair & ~event & (group == "a")]),
                              stats.CensoredData(uncensored=time[pair & event & (group == "c")],
                                                 right=time[pair & ~event & (group == "c")]))
    assert chi2_ac == pytest.approx(reference.statistic ** 2, rel=1e-9)


def test_logrank_trend_sees_a_planted_gradient():
    """Hazard halving from group to group: the trend is negative and clear; no gradient: no trend."""
    rng = np.random.default_rng(7)
    groups = np.repeat(["s", "m", "l"], 300)
    scale = np.repeat([10.0, 20.0, 40.0], 300)
    z, p = churn.logrank_trend(rng.exponential(scale), np.ones(900, bool), groups, ["s", "m", "l"])
    assert z < -5 and p < 1e-6
    z0, p0 = churn.logrank_trend(rng.exponential(20.0, 900), np.ones(900, bool), groups, ["s", "m", "l"])
    assert abs(z0) < 3.5 and p0 > 1e-3


def companies_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_months_at_risk_starts_the_month_after_the_raise():
    companies = companies_frame(company_id=["a", "b"], price_increase_on=pd.to_datetime(["2024-03-15", None]))
    months = pd.DataFrame({"company_id": ["a"] * 4 + ["b"] * 2,
                           "report_month": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
                                                           "2024-03-01", "2024-04-01"]),
                           "movement": ["new", "retained", "retained", "churn", "new", "retained"]})
    out = churn.months_at_risk(months, companies)
    assert out["after"].tolist() == [False, False, True, True, False, False]
    assert out["is_churn"].tolist() == [False, False, False, True, False, False]


def test_manager_share_leaves_out_the_owner():
    roles = pd.DataFrame({"company_id": ["a", "a", "a", "b", "c", "c"], "role_id": ["1", "4", "8", "1", "4", "2"],
                          "users_active": [1, 2, 6, 1, 1, 3]})
    out = churn.manager_share(roles).set_index("company_id")
    assert out.index.tolist() == ["a", "c"]          # b has nobody but its owner
    assert out["manager_share"].tolist() == [0.25, 0.25]


def test_holm_adjusts_and_decides_on_the_adjusted_p():
    rows = [churn.HypothesisTest(key=k, name=k, h0="", h1="", alpha=0.01, test="", why="", statistic=0.0,
                                 p_value=p, effect=1.0, effect_name="", direction="")
            for k, p in (("x", 0.004), ("y", 0.004), ("z", 0.02))]
    table = churn.correct(rows)
    assert table["p_adjusted"].tolist() == pytest.approx([0.012, 0.012, 0.02])
    assert table["significant"].tolist() == [False, False, False]       # 0.004 alone would have passed


def test_recommendations_follow_only_from_what_the_tests_found():
    def row(key, effect, significant):
        return {"key": key, "effect": effect, "significant": significant, "p_adjusted": 1e-5 if significant else 0.5,
                "direction": "most churn: x; least: y", "no_effect": 1.0 if key == "price_increase" else 0.0}
    portrait = {"size_bucket": "2–4", "size_bucket_share_pct": 30.0, "median_users": 3.0}
    quality = pd.DataFrame({"extract": ["billing", "billing", "people", "billing"], "defect": ["a", "b", "c", "d"],
                            "is_export_defect": [True, True, True, False], "rows": [0, 0, 4, 9],
                            "description": [""] * 4, "action": [""] * 4})
    found = churn.recommendations(pd.DataFrame([row("price_increase", 2.0, True), row("size_trend", -5.0, True),
                                                row("activity", -0.3, False), row("role_mix", 1.0, False)]),
                                  portrait, quality)
    text = " ".join(found)
    assert "raised price" in text and "Smaller companies" in text and "role mix" in text
    assert "less active" not in text                     # not significant: no recommendation
    assert "billing data" not in text                    # no billing fault counted (d is routine)
    assert "people — c: 4 rows" in text
    flipped = churn.recommendations(pd.DataFrame([row("price_increase", 0.5, True), row("size_trend", 4.0, True)]),
                                    portrait)
    assert flipped == []                                 # significant the other way: not this advice
    quality.loc[0, "rows"] = 3
    assert any("billing data" in s and "a: 3 rows" in s
               for s in churn.recommendations(pd.DataFrame([row("role_mix", 1.0, True)]), portrait, quality))


@pytest.fixture(scope="module")
def saas_views(saas_warehouse) -> dict[str, pd.DataFrame]:
    """The saas views of the golden warehouse, read as the notebook reads them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAREBRICK_WAREHOUSE", str(saas_warehouse.path))
        patch.delenv("DBT_TARGET", raising=False)
        return {name: read_view(name) for name in ("v_saas_companies", "v_saas_company_months",
                                                   "v_saas_company_roles")}


@pytest.fixture(scope="module")
def found(saas_views) -> pd.DataFrame:
    companies, months, roles = (saas_views[n] for n in ("v_saas_companies", "v_saas_company_months",
                                                        "v_saas_company_roles"))
    return churn.correct([churn.test_price_increase(months, companies),
                          churn.test_lifetime_by(companies, "size_bucket", "size", "size bucket"),
                          churn.test_size_trend(companies, SIZE_ORDER),
                          churn.test_activity(months, companies),
                          churn.test_role_mix(roles, companies),
                          churn.test_lifetime_by(companies, "industry", "industry", "industry")]).set_index("key")


def test_the_planted_effects_are_found_in_their_direction(found, saas_extracts):
    planted = json.loads((saas_extracts / "truth" / "saas_planted_effects.json").read_text(encoding="utf-8"))
    hazard = planted["hazard"]
    assert hazard["after_renewal_at_raised_price"] > 1
    price = found.loc["price_increase"]
    assert price["p_value"] < 0.01 and price["effect"] > 1, price.to_dict()
    sizes = list(hazard["size_bucket"].values())
    assert sizes == sorted(sizes, reverse=True)          # planted: the smallest churn most
    for key in ("size", "size_trend"):
        assert found.loc[key, "p_value"] < 0.01, found.loc[key].to_dict()
    assert found.loc["size_trend", "effect"] < 0
    assert "-" in hazard["activity"]                     # planted: hazard falls with activity
    activity = found.loc["activity"]
    assert activity["p_value"] < 0.01 and activity["effect"] < 0, activity.to_dict()
    assert found.loc[["price_increase", "size", "size_trend", "activity"], "significant"].all()


def test_the_role_mix_is_not_flagged(found, saas_extracts):
    planted = json.loads((saas_extracts / "truth" / "saas_planted_effects.json").read_text(encoding="utf-8"))
    assert planted["hazard"]["role_mix"].startswith("none")
    assert found.loc["role_mix", "p_adjusted"] >= 0.01, found.loc["role_mix"].to_dict()
    assert not found.loc["role_mix", "significant"]


def test_the_role_mix_adds_up_to_the_companies_users(saas_views):
    users = saas_views["v_saas_company_roles"].groupby("company_id")["users_active"].sum()
    companies = saas_views["v_saas_companies"].set_index("company_id")["users_active"]
    assert (users.reindex(companies.index, fill_value=0) == companies).all()


def test_the_manager_share_measured_is_the_share_planted(saas_views, saas_extracts):
    """The view's role mix is the simulation's: its managers' share tracks the drawn share (no effect on churn
    is only meaningful if the factor is measured at all)."""
    factors = pd.read_csv(saas_extracts / "truth" / "saas_company_factors.csv", dtype={"company_id": str})
    shares = churn.manager_share(saas_views["v_saas_company_roles"]).merge(factors, on="company_id")
    big = shares.loc[shares["users"] >= 8]
    assert stats.spearmanr(big["manager_share_x"], big["manager_share_y"]).statistic > 0.5


def test_portrait_and_phik_on_the_warehouse(saas_views):
    companies, months, roles = (saas_views[n] for n in ("v_saas_companies", "v_saas_company_months",
                                                        "v_saas_company_roles"))
    portrait = churn.portrait(companies)
    paid = companies.loc[companies["first_paid_on"].notna()]
    assert portrait["companies"] == len(paid)
    assert portrait["median_users"] == paid["users_active"].median()
    assert portrait["tariff_group"] == paid["tariff_group"].mode().iloc[0]
    assert portrait["on_time_renewal_pct"] == pytest.approx(paid["on_time_renewal_pct"].mean())
    matrix = churn.phik_correlations(churn.churn_features(companies, months, roles))
    assert matrix.loc["churned", "had_price_increase"] > matrix.loc["churned", "manager_share"]
    assert ((matrix >= 0) & (matrix <= 1 + 1e-9)).all().all()


def test_size_buckets_order_by_their_lower_bound():
    assert churn.size_order(["200+", "2–4", "11–20", "1", "101–200", "5–10", "2–4"]) == [
        "1", "2–4", "5–10", "11–20", "101–200", "200+"]
