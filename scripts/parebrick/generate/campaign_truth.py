"""Ground truth of the campaign results (METRICS.md "Campaigns"), from the campaign simulation's members,
communications and contracts — the objects the crm and brm extracts are written from, never the files.

`truth/mkt_campaign_results.csv`, one row per campaign × segment (the grain of `v_mkt_campaign_results`):
  * `target_members`, `control_members`: the members of the group, counted once per customer. A customer
    listed in both groups of the campaign (a planted defect) is in neither: their group is unknown. They are
    counted in `both_groups_members`. Members unknown to billing stay in their group (they were assigned; no
    contract can be found for them) and are counted in `unknown_to_billing_members`. A control member who
    was contacted all the same stays a control member and is counted in `contacted_control_members`.
  * `target_converted`, `control_converted`: members with a contract for the campaign's offer at or after
    `assigned_at` and before `assigned_at` + `response_window_days` — a new account of the offered product
    (cross-sell; its `activated_at`) or the customer's account of that product moved to the offered tariff
    (upsell; the `updated_at` of the account's first version on that tariff). Once per member however many
    contracts follow. The sample has no contract on an edge day (campaigns.py), so reading the window by
    Moscow date (`assigned_at`'s date ≤ contract date < that date + window days) gives the same counts.
  * `target_pre_converted`, `control_pre_converted`: the same in the pre-period, the window's length just
    before `assigned_at`.
  * `*_conversion_pct` = 100 × converted / members; `*_pre_conversion_pct` likewise; NULL for an empty group.
  * `uplift_pp`, `uplift_ci_low_pp`, `uplift_ci_high_pp`, `p_value`, `did_uplift_pp`, `incremental_contracts`:
    METRICS.md's formulas on these counts (NULL when a group is empty; `p_value` NULL also when no member
    converted, the pooled variance being 0).
  * `delivered`: target members (as counted above) with at least one delivered communication of the
    campaign; `agreed`: target members with at least one communication whose outcome is `agreed`.
    Communications to control members are not counted here: they are `contacted_control_members`.
  * `planted_uplift_pp`: the uplift the simulation planted (the mean of the segment's members' own);
    `planted_baseline_pre_pct`, `planted_baseline_post_pct`: the mean baseline chance of the segment's
    members in the pre-period and in the window (the rise the control group corrects for).
`truth/mkt_campaign_members.csv`: every member row as exported, with its conversions, contract date and
defects; `truth/mkt_planted.json`: the campaigns, what they planted, the campaign without effect, the defects.
Percentages and p-values are rounded to 6 decimals; empty = NULL.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from parebrick.generate.campaigns import Campaigns
from parebrick.generate.csvout import date_str, ts_ru
from parebrick.generate.params import CampaignParams

Z_95 = 1.96
RESULT_COLUMNS = ("campaign_id", "segment_code", "campaign_name", "offer_product_code", "channel",
                  "target_members", "control_members", "target_converted", "control_converted",
                  "target_conversion_pct", "control_conversion_pct", "uplift_pp", "uplift_ci_low_pp",
                  "uplift_ci_high_pp", "p_value", "target_pre_converted", "control_pre_converted",
                  "target_pre_conversion_pct", "control_pre_conversion_pct", "did_uplift_pp",
                  "incremental_contracts", "delivered", "agreed", "both_groups_members",
                  "contacted_control_members", "unknown_to_billing_members", "planted_uplift_pp",
                  "planted_baseline_pre_pct", "planted_baseline_post_pct")


def two_proportions(x_t: int, n_t: int, x_c: int, n_c: int) -> dict[str, float | None]:
    """METRICS.md's uplift of target over control in points, its 95 % Wald interval and the pooled two-sided
    z-test's p-value; None where a group is empty (and the p-value where the pooled variance is 0)."""
    if n_t == 0 or n_c == 0:
        return {"uplift_pp": None, "uplift_ci_low_pp": None, "uplift_ci_high_pp": None, "p_value": None}
    p_t, p_c = x_t / n_t, x_c / n_c
    uplift = 100 * (p_t - p_c)
    half = Z_95 * 100 * math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    pooled = (x_t + x_c) / (n_t + n_c)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    p_value = math.erfc(abs(p_t - p_c) / se / math.sqrt(2)) if se > 0 else None
    return {"uplift_pp": uplift, "uplift_ci_low_pp": uplift - half, "uplift_ci_high_pp": uplift + half,
            "p_value": p_value}


def counted_members(c: Campaigns) -> pd.DataFrame:
    """The member rows the results count: one per customer and campaign, both-groups customers left out."""
    return c.members[~c.members["both_groups"]]


def results(c: Campaigns) -> pd.DataFrame:
    """mkt_campaign_results: one row per campaign × segment."""
    m = counted_members(c)
    comm = c.communications
    rows = []
    for camp in c.campaigns:
        spec = camp.spec
        own = m[m["campaign_id"] == spec.campaign_id]
        sent = comm[comm["campaign_id"] == spec.campaign_id]
        all_own = c.members[c.members["campaign_id"] == spec.campaign_id]
        for seg in spec.segments:
            s = own[own["segment_code"] == seg]
            t, k = s[s["group"] == "target"], s[s["group"] == "control"]
            every = all_own[all_own["segment_code"] == seg]
            n_t, n_c = len(t), len(k)
            x_t, x_c = int(t["converted"].sum()), int(k["converted"].sum())
            pre_t, pre_c = int(t["pre_converted"].sum()), int(k["pre_converted"].sum())
            test = two_proportions(x_t, n_t, x_c, n_c)
            t_ids = set(t["customer_id"])
            to_target = sent[sent["customer_id"].isin(t_ids)]
            did = (None if not (n_t and n_c) else
                   100 * ((x_t - pre_t) / n_t - (x_c - pre_c) / n_c))
            known = s[~s["unknown_to_billing"]]
            rows.append({
                "campaign_id": spec.campaign_id, "segment_code": seg, "campaign_name": spec.name,
                "offer_product_code": spec.offer_product_code, "channel": spec.channel,
                "target_members": n_t, "control_members": n_c, "target_converted": x_t, "control_converted": x_c,
                "target_conversion_pct": _pct(x_t, n_t), "control_conversion_pct": _pct(x_c, n_c), **test,
                "target_pre_converted": pre_t, "control_pre_converted": pre_c,
                "target_pre_conversion_pct": _pct(pre_t, n_t), "control_pre_conversion_pct": _pct(pre_c, n_c),
                "did_uplift_pp": did,
                "incremental_contracts": None if test["uplift_pp"] is None else test["uplift_pp"] / 100 * n_t,
                "delivered": int(to_target.loc[to_target["delivered"] == 1, "customer_id"].nunique()),
                "agreed": int(to_target.loc[to_target["outcome"] == "agreed", "customer_id"].nunique()),
                "both_groups_members": int(every["both_groups"].sum() // 2),
                "contacted_control_members": int(s["contacted_control"].sum()),
                "unknown_to_billing_members": int(s["unknown_to_billing"].sum()),
                "planted_uplift_pp": spec.segments[seg][1],
                "planted_baseline_pre_pct": 100 * known["p_pre"].mean() if len(known) else None,
                "planted_baseline_post_pct": 100 * known["p_post_base"].mean() if len(known) else None})
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    for col in ("target_conversion_pct", "control_conversion_pct", "uplift_pp", "uplift_ci_low_pp",
                "uplift_ci_high_pp", "p_value", "target_pre_conversion_pct", "control_pre_conversion_pct",
                "did_uplift_pp", "incremental_contracts", "planted_baseline_pre_pct", "planted_baseline_post_pct"):
        out[col] = pd.to_numeric(out[col]).round(6).astype("Float64")
    return out


def members(c: Campaigns) -> pd.DataFrame:
    """mkt_campaign_members: every exported member row (a both-groups customer twice), with what happened."""
    m = c.members
    contract = m["contract_day"].to_numpy()
    return pd.DataFrame({
        "campaign_id": m["campaign_id"], "customer_id": m["customer_id"], "segment_code": m["segment_code"],
        "group": m["group"], "priority": m["priority"],
        "assigned_at": ts_ru(m["assigned_sec"].to_numpy()).to_numpy(zero_copy_only=False),
        "pre_converted": m["pre_converted"].astype(int), "converted": m["converted"].astype(int),
        "contract_date": date_str(np.maximum(contract, 0), missing=contract < 0).to_numpy(zero_copy_only=False),
        "delivered": m["treated"].astype(int), "planted_uplift_pp": (100 * m["uplift"]).round(6),
        "both_groups": m["both_groups"].astype(int), "contacted_control": m["contacted_control"].astype(int),
        "unknown_to_billing": m["unknown_to_billing"].astype(int)}).sort_values(
        ["campaign_id", "priority", "group"], kind="stable", ignore_index=True)


def planted(c: Campaigns, params: CampaignParams) -> dict:
    """mkt_planted.json: the campaigns and what the simulation planted in them."""
    def day(d: int) -> str:
        return str(date_str(np.array([d]))[0])
    return {
        "span": {"first_day": day(c.span_first_day), "last_day": day(c.end_day - 1)},
        "baseline_rise_per_30d": params.baseline_rise_per_30d,
        "no_effect_campaigns": [x.spec.campaign_id for x in c.campaigns
                                if all(lift == 0 for _, lift in x.spec.segments.values())],
        "window_rule": "a contract counts at or after assigned_at and before assigned_at + response_window_days; "
                       "pre-period: the same length just before assigned_at; the sample has no contract on the "
                       "assignment day, the pre-period's first day or the day after the window",
        "campaigns": [{"campaign_id": x.spec.campaign_id, "kind": x.spec.kind,
                       "offer_product_code": x.spec.offer_product_code,
                       "offer_tariff_code": (f"{x.spec.offer_product_code}_t{x.spec.offer_tariff_number}"
                                             if x.spec.offer_tariff_number else None),
                       "channel": x.spec.channel, "response_window_days": x.spec.response_window_days,
                       "control_share": x.spec.control_share,
                       "first_assigned_day": day(x.first_day),
                       "starts_at": ts_ru(np.array([x.starts_sec]))[0].as_py(),
                       "ends_at": ts_ru(np.array([x.ends_sec]))[0].as_py(),
                       "segments": {seg: {"baseline_pct_at_span_start": b, "uplift_pp": u}
                                    for seg, (b, u) in x.spec.segments.items()}} for x in c.campaigns],
        "defects": {kind: [{"campaign_id": camp, "customer_id": str(cust)} for camp, cust in found]
                    for kind, found in sorted(c.defects.items())},
        "second_contracts": int(len(c.new_accounts.account_id) - _first_contracts(c)),
    }


def _first_contracts(c: Campaigns) -> int:
    kinds = {x.spec.campaign_id: x.spec.kind for x in c.campaigns}
    m = c.members.drop_duplicates(["campaign_id", "customer_id"])
    return int(((m["contract_day"] >= 0) & m["campaign_id"].map(kinds).eq("cross_sell")).sum())


def _pct(x: int, n: int) -> float | None:
    return 100 * x / n if n else None

