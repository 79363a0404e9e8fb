"""What the campaign notebook concludes from the published campaign views (seed 003).

The numbers are the views' (v_mkt_campaign_results, v_mkt_segment_priority) and the Qini table's
(parebrick.analyses.uplift); here they become the before/after comparison a control group corrects, the list
of segments to target next and recommendations, each of which appears only when the rows behind it say so
(pytests/analyses/test_uplift_campaigns.py).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import yaml

from parebrick.profile import project_dir

NO_EVIDENCE = "no evidence yet"          # v_mkt_segment_priority.priority_status of an unranked segment


def mkt_alpha(project: Path | None = None) -> float:
    """`var('mkt_alpha')` of dbt_project.yml: the level the views' significance and ranks are decided at, so
    the notebook's own tests (the Qini test) use the same one."""
    document = yaml.safe_load(((project or project_dir()) / "dbt_project.yml").read_text(encoding="utf-8"))
    return float(document["vars"]["mkt_alpha"])


def before_after(results: pd.DataFrame) -> pd.DataFrame:
    """Per campaign × segment, what a before/after comparison claims against what the control group says:
    `naive_pp` (the target group's conversion in the window − in the pre-period), `control_change_pp` (the
    control group's own change, the rising baseline), the view's `did_uplift_pp` and `uplift_pp` with its
    interval and significance."""
    out = results[["campaign_id", "segment_code", "uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value",
                   "is_significant", "did_uplift_pp"]].copy()
    out.insert(2, "naive_pp", results["target_conversion_pct"] - results["target_pre_conversion_pct"])
    out.insert(3, "control_change_pp", results["control_conversion_pct"] - results["control_pre_conversion_pct"])
    return out


def campaign_before_after(results: pd.DataFrame) -> pd.DataFrame:
    """Per campaign, over all its segments (from the view's counts): the target group's conversion in the
    window and in the pre-period, the control group's likewise, and the two changes in points."""
    sums = results.groupby("campaign_id")[["target_members", "target_converted", "target_pre_converted",
                                           "control_members", "control_converted", "control_pre_converted"]].sum()
    out = pd.DataFrame(index=sums.index)
    for group in ("target", "control"):
        members = sums[f"{group}_members"].where(sums[f"{group}_members"] > 0)
        out[f"{group}_pre_pct"] = 100 * sums[f"{group}_pre_converted"] / members
        out[f"{group}_pct"] = 100 * sums[f"{group}_converted"] / members
    out["naive_pp"] = out["target_pct"] - out["target_pre_pct"]
    out["control_change_pp"] = out["control_pct"] - out["control_pre_pct"]
    return out.reset_index()


def campaigns_without_evidence(results: pd.DataFrame) -> list[str]:
    """Campaigns none of whose segments has a significant uplift (`is_significant`)."""
    found = results.groupby("campaign_id")["is_significant"].any()
    return sorted(found.index[~found.astype(bool)])


def is_borderline(priority: pd.DataFrame) -> pd.Series:
    """Segments with no evidence yet whose 95 % interval excludes 0 all the same: the Wald interval uses each
    group's own variance, the test the pooled one (`metric_mkt_p_value`), and near α the two can disagree."""
    unranked = priority["priority_status"] == NO_EVIDENCE
    excludes_zero = (priority["uplift_ci_low_pp"] > 0) | (priority["uplift_ci_high_pp"] < 0)
    return (unranked & excludes_zero.fillna(False)).astype(bool)


def targeting(priority: pd.DataFrame, *, alpha: float) -> pd.DataFrame:
    """v_mkt_segment_priority as the list of what to target next: per offer its ranked segments in rank order,
    then its segments with no evidence yet, each with the reason in words."""
    out = priority.copy()
    ranked = out["priority_status"] != NO_EVIDENCE
    borderline = is_borderline(out)

    def why(row: pd.Series, on_the_edge: bool) -> str:
        interval = f"95 % interval {row['uplift_ci_low_pp']:+.1f} to {row['uplift_ci_high_pp']:+.1f} pp"
        if row["priority_status"] != NO_EVIDENCE:
            return (f"rank {int(row['priority_rank'])}: {row['incremental_per_1000']:.0f} incremental contracts "
                    f"per 1000 members (p = {row['p_value']:.1g}; {interval})")
        if pd.isna(row["p_value"]):
            return "no evidence yet: no variance to test (nobody, or everybody, converted)"
        if on_the_edge:
            return f"borderline: p = {row['p_value']:.3f} ≥ {alpha}, though the {interval} excludes 0"
        return f"no evidence yet: p = {row['p_value']:.2f} ≥ {alpha}; the {interval} holds 0"

    out["why"] = [why(row, edge) for (_, row), edge in zip(out.iterrows(), borderline)]
    out["_order"] = out["priority_rank"].astype("Float64").where(ranked, math.inf)
    return (out.sort_values(["offer_product_code", "_order", "segment_code"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def recommendations(results: pd.DataFrame, priority: pd.DataFrame, qini: pd.DataFrame, *,
                    alpha: float) -> list[str]:
    """Sentences that follow from the results, each only when its rows say so, quoting their numbers."""
    out: list[str] = []
    plan = targeting(priority, alpha=alpha)
    for offer, rows in plan.groupby("offer_product_code", sort=True):
        ranked = rows.loc[rows["priority_status"] != NO_EVIDENCE]
        if len(ranked):
            listed = ", then ".join(f"{r.segment_code} ({r.uplift_pp:+.1f} pp, {r.incremental_per_1000:.0f} per 1000)"
                                    for r in ranked.itertuples())
            out.append(f"Offer {offer} next to {listed}: the segments whose uplift is evidence (p < {alpha}), "
                       "the most incremental contracts per member first.")
    edge = plan.loc[is_borderline(plan)]
    if len(edge):
        listed = "; ".join(f"{r.offer_product_code} × {r.segment_code}, p = {r.p_value:.3f}, 95 % interval "
                           f"{r.uplift_ci_low_pp:+.1f} to {r.uplift_ci_high_pp:+.1f} pp" for r in edge.itertuples())
        out.append(f"Retest first the borderline segments — {listed}: not ranked, but the closest to evidence.")
    unranked = plan.loc[(plan["priority_status"] == NO_EVIDENCE) & ~is_borderline(plan)]
    if len(unranked):
        listed = "; ".join(f"{offer}: {', '.join(rows['segment_code'])}"
                           for offer, rows in unranked.groupby("offer_product_code", sort=True))
        out.append(f"Do not count on the segments with no evidence yet ({listed}): their uplift cannot be told "
                   "from 0. Target them again only as a test, with a control group large enough to tell.")
    per_campaign = campaign_before_after(results).set_index("campaign_id")
    for campaign in campaigns_without_evidence(results):
        row = per_campaign.loc[campaign]
        p_min = results.loc[results["campaign_id"] == campaign, "p_value"].min()
        if row["naive_pp"] > 0:
            out.append(f"{campaign} shows no uplift against its control group (p ≥ {p_min:.2f} in every segment), "
                       f"though its target group converted {row['naive_pp']:+.1f} pp more than in the pre-period "
                       f"({row['target_pre_pct']:.1f} % → {row['target_pct']:.1f} %; the control group "
                       f"{row['control_change_pp']:+.1f} pp): report it as no effect, not by its before/after, and "
                       "stop it or rework the offer.")
    with_effect = set(results.loc[results["is_significant"].astype(bool), "campaign_id"])
    for row in qini.itertuples():
        if row.p_value < alpha and row.qini_coefficient > 0:
            out.append(f"Contact {row.campaign_id}'s members in priority order: the first {100 * row.depth:.0f} % "
                       f"hold {100 * row.depth_share:.0f} % of its {row.incremental_contracts:.0f} incremental "
                       f"contracts (Qini coefficient {row.qini_coefficient:+.2f} pp, p = {row.p_value:.3f} against "
                       "random order).")
        elif row.campaign_id in with_effect:
            out.append(f"{row.campaign_id}'s priority ranks its members no better than chance (Qini coefficient "
                       f"{row.qini_coefficient:+.2f} pp, p = {row.p_value:.2f}) although the campaign has an "
                       "effect: rebuild the score before ranking by it.")
    defects = results.groupby("campaign_id")[["contacted_control_members", "both_groups_members",
                                              "unknown_to_billing_members"]].sum()
    for column, what in (("contacted_control_members", "control members contacted all the same (they bias the "
                                                       "uplift towards 0)"),
                         ("both_groups_members", "customers listed in both groups (left out of both)"),
                         ("unknown_to_billing_members", "members billing does not know (they cannot convert)")):
        found = defects.loc[defects[column] > 0, column]
        if len(found):
            listed = ", ".join(f"{campaign}: {int(count)}" for campaign, count in found.items())
            out.append(f"Fix in the CRM's campaign module: {what} — {listed}.")
    return out
