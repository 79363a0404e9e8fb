# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Campaigns against a control group: uplift, Qini curves and the segments to target next
#
# The upsell and cross-sell campaigns of the CRM's campaign module (seed 003): every campaign's members are
# split at random, within each segment, into a target group that gets the communication and a control group
# that does not, and a member **converts** when billing records a contract for the campaign's offer in the
# response window. The KPI a campaign manager defends is the contracts the campaign *caused*: the target
# group's conversion less the control group's, the **uplift**, with its uncertainty.
#
# The notebook reads only published views: `v_mkt_campaign_results` (campaign × segment: members,
# conversions, the uplift in points with its 95 % interval and p-value, the difference in differences, the
# incremental contracts, the export's defects), `v_mkt_segment_priority` (offer × segment: the campaigns of an
# offer combined and ranked) and `v_mkt_campaign_members` (campaign × member: group, priority, conversion). The
# definitions are the glossary's (`docs/metrics.md`, section "Campaigns", `metric_mkt_*`), computed once, in
# SQL; the notebook shows the views' numbers. The Qini curve and coefficient are tested functions of
# `parebrick.analyses.uplift`, the conclusions of `parebrick.analyses.campaigns`.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parebrick.analyses import campaigns, read_view, uplift

ALPHA = campaigns.mkt_alpha()  # var('mkt_alpha'): the views' significance and ranks, and the Qini test here
PERMUTATIONS = 1000            # random rankings the Qini test compares each campaign's priority with
DEPTH = 0.3                    # the share of members by priority the recommendations quote
CHECK_TOLERANCE = 1e-9         # the members' recount against the view's SQL

plt.rcParams.update({"figure.figsize": (10, 4.2), "axes.grid": True, "grid.alpha": 0.3,
                     "axes.spines.top": False, "axes.spines.right": False})
pd.set_option("display.float_format", "{:,.2f}".format)
pd.set_option("display.max_colwidth", 200)

# %%
results = read_view("v_mkt_campaign_results", order_by="campaign_id, segment_code")
priority = read_view("v_mkt_segment_priority", order_by="offer_product_code, segment_code")
members = read_view("v_mkt_campaign_members", order_by="campaign_id, priority")
pd.DataFrame({"rows": {"v_mkt_campaign_results": len(results), "v_mkt_segment_priority": len(priority),
                       "v_mkt_campaign_members": len(members)}})

# %% [markdown]
# ## The campaigns, and the views checked against each other
#
# The members view holds exactly the members the results count, so counting its groups and conversions per
# campaign × segment must give the results' counts, and the uplift, interval and p-value recomputed from those
# counts (`uplift.two_proportions`, the glossary's formulas written again in Python) must equal the view's
# SQL to 1e-9. The check stops the notebook if the two ever disagree; what follows shows the view's numbers.

# %%
recount = uplift.uplift_table(uplift.group_counts(members, ["campaign_id", "segment_code"]))
paired = results.merge(recount, on=["campaign_id", "segment_code"], suffixes=("", "_recount"), how="outer",
                       indicator=True)
assert (paired["_merge"] == "both").all(), "a campaign × segment is in one view only"
for column in ("target_members", "control_members", "target_converted", "control_converted"):
    assert (paired[column] == paired[f"{column}_recount"]).all(), f"{column}: the members do not add up"
for column in ("uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value"):
    view, python = paired[column].astype(float).to_numpy(), paired[f"{column}_recount"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(view), np.isnan(python)), f"{column}: NULL in one only"
    assert np.nanmax(np.abs(view - python), initial=0.0) < CHECK_TOLERANCE, f"{column}: SQL and Python differ"
print(f"checked: {len(members):,} members add up to the {len(results)} campaign × segments, and their uplift, "
      f"interval and p-value equal the view's to {CHECK_TOLERANCE:g}")

overview = results.groupby(["campaign_id", "campaign_name", "offer_product_code", "channel"], as_index=False).agg(
    segments=("segment_code", "size"), target=("target_members", "sum"), control=("control_members", "sum"),
    delivered=("delivered", "sum"), agreed=("agreed", "sum"), incremental_contracts=("incremental_contracts", "sum"))
overview["delivered_pct"] = 100 * overview["delivered"] / overview["target"]
overview.set_index("campaign_id")

# %% [markdown]
# ### What the warehouse found in the export
#
# Customers listed in both groups of a campaign are in neither (their group is unknown); control members
# who were contacted all the same stay control members (the assignment is what was randomised), which biases
# the uplift towards 0; members billing does not know stay in their group and cannot convert. Each is
# counted, per campaign, never dropped without a trace.

# %%
defects = results.groupby("campaign_id")[["both_groups_members", "contacted_control_members",
                                          "unknown_to_billing_members"]].sum()
defects

# %% [markdown]
# ## Uplift per segment, with its interval
#
# Each row is a campaign × segment: the uplift (target − control conversion, in percentage points) and its
# 95 % interval (Wald, `metric_mkt_uplift_ci`). Red: significant at α (the two-proportion z-test,
# `metric_mkt_p_value`); grey: the interval is compatible with no effect. A wide interval is a small group,
# not a small effect.

# %%
forest = results.sort_values(["campaign_id", "segment_code"], ascending=False).reset_index(drop=True)
fig, ax = plt.subplots(figsize=(10, 0.32 * len(forest) + 1.5))
colours = np.where(forest["is_significant"], "tab:red", "tab:grey")
y = np.arange(len(forest))
ax.hlines(y, forest["uplift_ci_low_pp"], forest["uplift_ci_high_pp"], colors=colours, lw=2)
ax.scatter(forest["uplift_pp"], y, c=colours, zorder=3)
ax.axvline(0, color="black", lw=1)
ax.set_yticks(y, forest["campaign_id"] + " · " + forest["segment_code"])
ax.set_title(f"Uplift per campaign × segment with its 95 % interval (red: p < {ALPHA})")
ax.set_xlabel("uplift, percentage points (target − control conversion)")
ax.set_ylabel("campaign · segment")
plt.show()
results[["campaign_id", "segment_code", "target_members", "control_members", "target_conversion_pct",
         "control_conversion_pct", "uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value",
         "incremental_contracts"]].set_index(["campaign_id", "segment_code"]).style.format(
    {"target_conversion_pct": "{:.2f}", "control_conversion_pct": "{:.2f}", "uplift_pp": "{:+.2f}",
     "uplift_ci_low_pp": "{:+.2f}", "uplift_ci_high_pp": "{:+.2f}", "p_value": "{:.1e}",
     "incremental_contracts": "{:.1f}"})

# %% [markdown]
# ## Why the control group: before/after against the control-corrected uplift
#
# The baseline conversion rises over the period: customers sign more contracts later in the season whether
# contacted or not. A before/after comparison of the target group (its conversion in the window − in the
# pre-period, the same number of days just before assignment) credits the campaign with that rise. The control
# group rose as well: its own change is the trend, and the uplift (target − control in the same window) or the
# difference in differences (before/after less the control's before/after, `metric_mkt_did_uplift_pp`) takes
# it out. Below, the campaigns in which no segment shows evidence of an effect: their before/after looks like
# success. The table after the plots gives each campaign's conversions over all its segments, before and
# after, in both groups.

# %%
compared = campaigns.before_after(results)
no_evidence = campaigns.campaigns_without_evidence(results)
shown = compared.loc[compared["campaign_id"].isin(no_evidence)] if no_evidence else compared
label = shown["campaign_id"] + " · " + shown["segment_code"]
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
x = np.arange(len(shown))
width = 0.2
for offset, column, name in ((-1.5, "naive_pp", "before/after (target)"),
                             (-0.5, "control_change_pp", "control's own change"),
                             (0.5, "did_uplift_pp", "difference in differences"),
                             (1.5, "uplift_pp", "uplift against control")):
    axes[0].bar(x + offset * width, shown[column], width, label=name)
axes[0].errorbar(x + 1.5 * width, shown["uplift_pp"],
                 yerr=[shown["uplift_pp"] - shown["uplift_ci_low_pp"], shown["uplift_ci_high_pp"] - shown["uplift_pp"]],
                 fmt="none", ecolor="black", capsize=3)
axes[0].axhline(0, color="black", lw=1)
axes[0].set_xticks(x, label)
axes[0].set_title("Campaigns without evidence: what before/after claims" if no_evidence else "Before/after")
axes[0].set_xlabel("campaign · segment")
axes[0].set_ylabel("percentage points")
axes[0].legend(fontsize=8)
axes[1].scatter(compared["uplift_pp"], compared["naive_pp"],
                c=np.where(compared["campaign_id"].isin(no_evidence), "tab:red", "tab:blue"))
edge = [min(compared["uplift_pp"].min(), compared["naive_pp"].min()) - 1,
        max(compared["uplift_pp"].max(), compared["naive_pp"].max()) + 1]
axes[1].plot(edge, edge, color="grey", ls="--", lw=1, label="before/after = uplift")
axes[1].set_title("Every campaign × segment (red: campaigns without evidence)")
axes[1].set_xlabel("uplift against control, pp")
axes[1].set_ylabel("before/after of the target group, pp")
axes[1].legend(fontsize=8)
plt.show()
campaigns.campaign_before_after(results).set_index("campaign_id")

# %% [markdown]
# ## Qini curves: does the priority put the responsive members first?
#
# The CRM ranks each campaign's members by a priority (1 = contact first). If the ranking is good, the members
# on whom the offer works come first, and a campaign could stop early with most of its effect. The **Qini
# curve** answers it from the randomised groups: after the first k members by priority,
# Q(k) = T_conv(k) − C_conv(k) · N_T(k) / N_C(k), the target conversions among them less what the control
# group's rate among them predicts: the incremental contracts of targeting those k. Targeting at random would
# gain in proportion, along the **random line** from 0 to the campaign's Q(N). The **Qini coefficient** is the
# area between the curve and that line over the share of members targeted, per target member, in percentage
# points (0: no better than random; see `parebrick.analyses.uplift`). Its p-value compares it with the
# coefficients of the same members shuffled into random order (one-sided: is the priority better than chance?).

# %%
qini = uplift.qini_table(members, permutations=PERMUTATIONS, depth=DEPTH)
curves = uplift.qini_by_campaign(members)
columns = 3
rows = -(-len(curves) // columns)
fig, axes = plt.subplots(rows, columns, figsize=(13, 3.6 * rows), squeeze=False)
for ax, (campaign, curve) in zip(axes.flat, curves.items()):
    found = qini.set_index("campaign_id").loc[campaign]
    ax.plot(curve["share"], curve["qini"], label="by priority")
    ax.plot(curve["share"], curve["random"], color="grey", ls="--", label="random order")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_title(f"{campaign}: Qini {found['qini_coefficient']:+.2f} pp, p = {found['p_value']:.3f}", fontsize=10)
    ax.set_xlabel("share of members targeted, by priority")
    ax.set_ylabel("incremental contracts")
    ax.legend(fontsize=8)
for ax in list(axes.flat)[len(curves):]:
    ax.set_visible(False)
fig.tight_layout()
plt.show()
qini.set_index("campaign_id").style.format(
    {"incremental_contracts": "{:.1f}", "uplift_pp": "{:+.2f}", "qini_coefficient": "{:+.3f}", "p_value": "{:.3f}",
     "random_low": "{:+.3f}", "random_high": "{:+.3f}", "depth": "{:.0%}", "depth_share": "{:.0%}"})

# %% [markdown]
# `random_low` … `random_high`: the central 95 % of the random orders' coefficients, how far chance alone moves
# it; `depth_share`: the share of the campaign's incremental contracts its first `depth` of members by priority
# hold (undefined when the campaign has none, and meaningless when its Q(N) cannot be told from 0: a share of
# almost nothing).
#
# ## The segments to target next, and why
#
# `v_mkt_segment_priority` combines the campaigns of each offer per segment (the uplift weighted by their
# target members, `metric_mkt_segment_uplift`) and ranks the segments by incremental contracts per 1000
# members, only where the p-value is below α; the others are "no evidence yet": the data cannot tell their
# uplift from 0, which is not the same as knowing it is 0. A segment is **borderline** when its interval
# excludes 0 while its p-value is not below α: the interval uses each group's own variance, the test the
# pooled one, and near α they can disagree; the rank follows the test.

# %%
plan = campaigns.targeting(priority, alpha=ALPHA)
ranked = plan.loc[plan["priority_status"] != campaigns.NO_EVIDENCE]
fig, ax = plt.subplots(figsize=(10, 0.35 * len(plan) + 1.5))
order = plan.iloc[::-1].reset_index(drop=True)
colours = np.where(order["priority_status"] != campaigns.NO_EVIDENCE, "tab:green", "tab:grey")
y = np.arange(len(order))
# per 1000 members = 10 × points (metric_mkt_incremental_per_1000), so the interval scales the same way
ax.hlines(y, 10 * order["uplift_ci_low_pp"], 10 * order["uplift_ci_high_pp"], colors=colours, lw=2)
ax.scatter(order["incremental_per_1000"], y, c=colours, zorder=3)
ax.axvline(0, color="black", lw=1)
ax.set_yticks(y, order["offer_product_code"] + " · " + order["segment_code"]
              + np.where(order["priority_rank"].notna(), " #" + order["priority_rank"].astype("string"), ""))
ax.set_title("Incremental contracts per 1000 members, 95 % interval (green: ranked, grey: no evidence yet)")
ax.set_xlabel("incremental contracts per 1000 members targeted")
ax.set_ylabel("offer · segment · rank")
plt.show()
plan[["offer_product_code", "segment_code", "priority_status", "campaigns", "members", "why"]].set_index(
    ["offer_product_code", "segment_code"])

# %% [markdown]
# ## Recommendations
#
# Computed from the tables above by `campaigns.recommendations`: each sentence appears only when its rows
# say so (a ranked segment, a segment without evidence, a campaign whose before/after rose without an uplift,
# a priority that beats or fails to beat random order, a defect counted), and quotes the numbers it rests on.

# %%
for number, sentence in enumerate(campaigns.recommendations(results, priority, qini, alpha=ALPHA), start=1):
    print(f"{number}. {sentence}")
