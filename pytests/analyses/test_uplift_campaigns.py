"""What the campaign notebook concludes (parebrick.analyses.campaigns), on small frames: the before/after a
control group corrects, the list of segments to target next, and recommendations that appear only when
their rows say so."""

from __future__ import annotations

import pandas as pd
import pytest

from parebrick.analyses import campaigns

ALPHA = 0.05


def result(campaign: str, segment: str, *, significant: bool, post: tuple[int, int], pre: tuple[int, int],
           n: int = 100, p_value: float = 0.5, contacted_control: int = 0) -> dict:
    """A v_mkt_campaign_results row: `post` and `pre` are (target, control) converted of n members each."""
    return {"campaign_id": campaign, "segment_code": segment, "target_members": n, "control_members": n,
            "target_converted": post[0], "control_converted": post[1], "target_pre_converted": pre[0],
            "control_pre_converted": pre[1], "target_conversion_pct": post[0] * 100 / n,
            "control_conversion_pct": post[1] * 100 / n, "target_pre_conversion_pct": pre[0] * 100 / n,
            "control_pre_conversion_pct": pre[1] * 100 / n, "uplift_pp": (post[0] - post[1]) * 100 / n,
            "uplift_ci_low_pp": -1.0, "uplift_ci_high_pp": 1.0, "p_value": 0.001 if significant else p_value,
            "is_significant": significant, "did_uplift_pp": ((post[0] - pre[0]) - (post[1] - pre[1])) * 100 / n,
            "contacted_control_members": contacted_control, "both_groups_members": 0,
            "unknown_to_billing_members": 0}


def segment(offer: str, code: str, rank: int | None, uplift: float, low: float, high: float, p: float) -> dict:
    """A v_mkt_segment_priority row."""
    return {"offer_product_code": offer, "segment_code": code, "campaigns": 1, "members": 200, "uplift_pp": uplift,
            "p_value": p, "incremental_per_1000": 10 * uplift, "priority_rank": rank,
            "priority_status": "ranked" if rank else campaigns.NO_EVIDENCE, "uplift_ci_low_pp": low,
            "uplift_ci_high_pp": high}


def qini_row(campaign: str, coefficient: float, p: float) -> dict:
    return {"campaign_id": campaign, "members": 200, "incremental_contracts": 12.0, "uplift_pp": 6.0,
            "qini_coefficient": coefficient, "p_value": p, "random_low": -0.5, "random_high": 0.5, "depth": 0.3,
            "depth_share": 0.6}


def test_mkt_alpha_is_the_projects_var(repo):
    assert campaigns.mkt_alpha(repo) == ALPHA


def test_before_after_is_the_target_change_and_the_control_change():
    """Target 6 → 9 of 100, control 5 → 8: before/after claims +3 pp, the control rose 3 pp, DiD 0."""
    frame = campaigns.before_after(pd.DataFrame([result("A", "s", significant=False, post=(9, 8), pre=(6, 5))]))
    row = frame.iloc[0]
    assert (row["naive_pp"], row["control_change_pp"], row["did_uplift_pp"]) == pytest.approx((3.0, 3.0, 0.0))
    pooled = campaigns.campaign_before_after(pd.DataFrame([
        result("A", "s", significant=False, post=(9, 8), pre=(6, 5)),
        result("A", "t", significant=False, post=(5, 4), pre=(4, 3), n=300)]))
    # (9 + 5) of 400 after, (6 + 4) of 400 before
    assert pooled.iloc[0]["naive_pp"] == pytest.approx(100 * (14 - 10) / 400)


def test_targeting_lists_ranked_segments_first_with_their_reason():
    plan = campaigns.targeting(pd.DataFrame([
        segment("tv", "old", None, 1.0, -1.0, 3.0, 0.3), segment("tv", "edge", None, 2.0, 0.1, 3.9, 0.055),
        segment("tv", "young", 2, 3.0, 1.0, 5.0, 0.01), segment("tv", "mid", 1, 5.0, 2.0, 8.0, 0.001)]), alpha=ALPHA)
    assert plan["segment_code"].tolist() == ["mid", "young", "edge", "old"]
    assert plan["why"].iloc[0].startswith("rank 1: 50 incremental contracts per 1000 members")
    assert plan["why"].iloc[2].startswith("borderline: p = 0.055")
    assert plan["why"].iloc[3].startswith("no evidence yet: p = 0.30") and "holds 0" in plan["why"].iloc[3]


def test_recommendations_follow_only_from_their_rows():
    results = pd.DataFrame([
        result("A", "s", significant=True, post=(15, 5), pre=(6, 5), contacted_control=2),
        result("B", "s", significant=False, post=(9, 8), pre=(6, 5), p_value=0.7)])
    priority = pd.DataFrame([segment("tv", "s", 1, 10.0, 2.0, 18.0, 0.001),
                             segment("cam", "s", None, 1.0, -3.0, 5.0, 0.7)])
    qini = pd.DataFrame([qini_row("A", 0.9, 0.002), qini_row("B", -0.2, 0.8)])
    text = " ".join(campaigns.recommendations(results, priority, qini, alpha=ALPHA))
    assert "Offer tv next to s (+10.0 pp, 100 per 1000)" in text
    assert "no evidence yet (cam: s)" in text
    assert "B shows no uplift against its control group" in text and "+3.0 pp more than in the pre-period" in text
    assert "Contact A's members in priority order: the first 30 % hold 60 %" in text
    assert "Contact B's" not in text and "B's priority" not in text      # no effect: nothing to rank by
    assert "control members contacted all the same" in text and "A: 2" in text
    assert "both groups" not in text and "billing does not know" not in text and "borderline" not in text

    # the priority of a campaign with an effect that does no better than chance: rebuild the score
    flat = pd.DataFrame([qini_row("A", 0.1, 0.3), qini_row("B", -0.2, 0.8)])
    text = " ".join(campaigns.recommendations(results, priority, flat, alpha=ALPHA))
    assert "A's priority ranks its members no better than chance" in text and "Contact A's" not in text

    # a campaign without evidence whose target group did not rise: no before/after warning
    fell = pd.DataFrame([result("A", "s", significant=True, post=(15, 5), pre=(6, 5)),
                         result("B", "s", significant=False, post=(5, 4), pre=(6, 5))])
    assert not any("B shows" in s for s in campaigns.recommendations(fell, priority, qini, alpha=ALPHA))
