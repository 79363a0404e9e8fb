"""The campaign notebook's formulas (parebrick.analyses.uplift): the two-proportion uplift against a hand
computation and statsmodels, and against the view's SQL on the campaign warehouse to 1e-9; the Qini curve
and coefficient against a hand computation on six members, with ties and without a control member early;
and on the sample, where the generator ranks members by a score that grows with their own planted uplift:
the priority must beat random order for every campaign planted with an effect, and not for the campaign
planted without one (truth/mkt_planted.json)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from parebrick.analyses import campaigns, read_view, uplift


def test_two_proportions_is_the_hand_computation():
    """30 of 100 against 20 of 100: uplift 10 pp; variance .3·.7/100 + .2·.8/100 = .0037; pooled share .25,
    null variance .25·.75·(2/100) = .00375, z = .1/√.00375."""
    found = uplift.two_proportions(30, 100, 20, 100)
    half = 1.96 * 100 * math.sqrt(0.0037)
    assert found.uplift_pp == pytest.approx(10.0)
    assert (found.ci_low_pp, found.ci_high_pp) == (pytest.approx(10 - half), pytest.approx(10 + half))
    assert found.p_value == pytest.approx(math.erfc(0.1 / math.sqrt(0.00375) / math.sqrt(2)))
    assert found.p_value == pytest.approx(0.10247, abs=1e-5)


def test_two_proportions_agrees_with_statsmodels():
    for x_t, n_t, x_c, n_c in ((61, 1200, 38, 400), (5, 80, 9, 95), (300, 2500, 280, 2500)):
        found = uplift.two_proportions(x_t, n_t, x_c, n_c)
        _, p_value = proportions_ztest([x_t, x_c], [n_t, n_c])
        low, high = confint_proportions_2indep(x_t, n_t, x_c, n_c, method="wald", compare="diff", alpha=0.05)
        assert found.p_value == pytest.approx(p_value, rel=1e-9)
        # statsmodels takes the exact normal quantile, the glossary 1.96
        assert found.ci_low_pp == pytest.approx(100 * low, abs=1e-2)
        assert found.ci_high_pp == pytest.approx(100 * high, abs=1e-2)


def test_two_proportions_is_undefined_where_the_sql_gives_null():
    empty = uplift.two_proportions(3, 10, 0, 0)
    assert all(math.isnan(v) for v in (empty.uplift_pp, empty.ci_low_pp, empty.ci_high_pp, empty.p_value))
    nobody = uplift.two_proportions(0, 10, 0, 12)
    assert nobody.uplift_pp == 0.0 and math.isnan(nobody.p_value)


# Six members by priority: T converted, C, T, C converted, T converted, C.
HAND = {"priority": [1, 2, 3, 4, 5, 6], "target": [1, 0, 1, 0, 1, 0], "converted": [1, 0, 0, 1, 1, 0]}


def test_qini_curve_is_the_hand_computation():
    """Q(k) = T_conv(k) − C_conv(k)·N_T(k)/N_C(k): 1 (no control member yet: the control term is 0),
    1 − 0, 1 − 0, 1 − 1·2/2 = 0, 2 − 1·3/2 = 0.5, 2 − 1·3/3 = 1. Trapezoids of width 1/6 under 0, 1, 1, 1,
    0, 0.5, 1: 4/6; under the random line: Q(N)/2 = 1/2; between: 1/6, per 3 target members in points:
    100/18."""
    curve = uplift.qini_curve(HAND["priority"], np.array(HAND["target"], bool), HAND["converted"])
    assert curve["members"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert curve["qini"].to_numpy() == pytest.approx([0, 1, 1, 1, 0, 0.5, 1])
    assert curve["random"].to_numpy() == pytest.approx(np.arange(7) / 6)
    assert uplift.qini_coefficient(curve) == pytest.approx(100 / 18)


def test_qini_order_follows_priority_not_the_rows():
    shuffled = [4, 0, 5, 2, 1, 3]
    curve = uplift.qini_curve(np.array(HAND["priority"])[shuffled], np.array(HAND["target"], bool)[shuffled],
                              np.array(HAND["converted"], bool)[shuffled])
    assert uplift.qini_coefficient(curve) == pytest.approx(100 / 18)


def test_qini_takes_tied_priorities_together():
    """All six tied: one step from (0, 0) to (1, Q(N)), exactly the random line. The first three tied (T
    converted, C, T) and the last three tied: one point after the first block, Q = 1 − 0·2/1 = 1, then
    Q(N) = 1."""
    target = np.array(HAND["target"], bool)
    flat = uplift.qini_curve([7] * 6, target, HAND["converted"])
    assert flat["members"].tolist() == [0, 6]
    assert uplift.qini_coefficient(flat) == pytest.approx(0.0)
    halves = uplift.qini_curve([1, 1, 1, 2, 2, 2], target, HAND["converted"])
    assert halves["members"].tolist() == [0, 3, 6]
    assert halves["qini"].to_numpy() == pytest.approx([0, 1, 1])
    # trapezoids of width 1/2 under 0, 1, 1 less the random line's 1/2, per 3 target members
    assert uplift.qini_coefficient(halves) == pytest.approx(100 * (0.75 - 0.5) / 3)


def test_qini_is_positive_for_responders_first_and_negative_for_them_last():
    rng = np.random.default_rng(11)
    n = 4000
    target = rng.random(n) < 0.5
    own_uplift = rng.uniform(0, 0.2, n)
    converted = rng.random(n) < 0.05 + np.where(target, own_uplift, 0.0)
    best_first = np.argsort(np.argsort(-own_uplift)) + 1
    good = uplift.qini_test(best_first, target, converted, permutations=200)
    bad = uplift.qini_test(n + 1 - best_first, target, converted, permutations=200)
    assert good.coefficient > good.null_high and good.p_value < 0.01
    assert bad.coefficient < bad.null_low and bad.p_value > 0.99
    # rankings that know nothing fall inside the band of random orders as often as it promises
    chance = [uplift.qini_coefficient(uplift.qini_curve(rng.permutation(n) + 1, target, converted))
              for _ in range(200)]
    inside = np.mean([good.null_low <= c <= good.null_high for c in chance])
    assert 0.88 <= inside <= 0.99, inside
    assert abs(np.mean(chance)) < 0.1 * (good.null_high - good.null_low)


def test_depth_share_reads_the_curve():
    curve = uplift.qini_curve(HAND["priority"], np.array(HAND["target"], bool), HAND["converted"])
    assert uplift.depth_share(curve, 0.5) == pytest.approx(1.0)      # Q(3) = 1 of Q(6) = 1
    assert uplift.depth_share(curve, 0.7) == pytest.approx(0.0)      # Q(4) = 0
    assert math.isnan(uplift.depth_share(uplift.qini_curve([1, 2], [True, False], [False, True]), 0.5))


@pytest.fixture(scope="module")
def campaign_views(campaign_warehouse) -> dict[str, pd.DataFrame]:
    """The campaign views of the golden warehouse, read as the notebook reads them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAREBRICK_WAREHOUSE", str(campaign_warehouse.path))
        patch.delenv("DBT_TARGET", raising=False)
        return {name: read_view(name) for name in ("v_mkt_campaign_results", "v_mkt_campaign_members",
                                                   "v_mkt_segment_priority")}


def test_the_python_uplift_equals_the_views_sql(campaign_views):
    results = campaign_views["v_mkt_campaign_results"].set_index(["campaign_id", "segment_code"]).sort_index()
    recount = uplift.uplift_table(uplift.group_counts(campaign_views["v_mkt_campaign_members"],
                                                      ["campaign_id", "segment_code"]))
    recount = recount.set_index(["campaign_id", "segment_code"]).sort_index()
    assert recount.index.equals(results.index)
    for column in ("target_members", "control_members", "target_converted", "control_converted"):
        assert (recount[column].to_numpy() == results[column].to_numpy()).all(), column
    for column in ("uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value"):
        assert recount[column].to_numpy(dtype=float) == pytest.approx(results[column].to_numpy(dtype=float),
                                                                      abs=1e-9, nan_ok=True), column


@pytest.fixture(scope="module")
def qini(campaign_views) -> pd.DataFrame:
    return uplift.qini_table(campaign_views["v_mkt_campaign_members"]).set_index("campaign_id")


def test_the_priority_beats_random_order_only_where_an_effect_was_planted(qini, campaign_extracts, repo):
    planted = json.loads((campaign_extracts / "truth" / "mkt_planted.json").read_text(encoding="utf-8"))
    alpha = campaigns.mkt_alpha(repo)
    no_effect = set(planted["no_effect_campaigns"])
    assert no_effect and set(qini.index) == {c["campaign_id"] for c in planted["campaigns"]}
    for campaign, row in qini.iterrows():
        if campaign in no_effect:
            assert row["random_low"] <= row["qini_coefficient"] <= row["random_high"], (campaign, row.to_dict())
            assert row["p_value"] >= alpha, campaign
        else:
            assert row["qini_coefficient"] > row["random_high"] > 0, (campaign, row.to_dict())
            assert row["p_value"] < alpha, campaign


def test_the_curve_ends_at_the_campaigns_incremental_contracts(qini, campaign_views):
    """Q(N) = T_conv − C_conv·N_T/N_C over the campaign: its uplift over all segments times N_T."""
    results = campaign_views["v_mkt_campaign_results"]
    sums = results.groupby("campaign_id")[["target_members", "control_members", "target_converted",
                                           "control_converted"]].sum()
    expected = sums["target_converted"] - sums["control_converted"] * sums["target_members"] / sums["control_members"]
    assert qini["incremental_contracts"].to_numpy() == pytest.approx(expected.reindex(qini.index).to_numpy())
