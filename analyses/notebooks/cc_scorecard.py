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
# # The scorecard: an operator's card next to the director's
#
# The scorecard (личный кабинет, интегральная оценка) gives every level of the contact center the same
# card, from one operator up to the whole center: operator → team → service × territory → territory →
# macro-region → center. This notebook reads only the published view `v_cc_scorecard_monthly` and shows,
# for the latest month in it (or the `MONTH` set below), the card of the operator who handled the most
# contacts next to the center's card.
#
# **How a component is scored.** Each component has a *floor* and a *target*, per service, in the
# dictionary `dim_scorecard_targets` (changed by pull request). A value at the floor scores 0, a value at
# the target scores 100, and the score is a straight line in between; anything better than the target
# still scores 100 and anything worse than the floor still scores 0. Where the floor is *above* the target,
# lower is better: for AHT with a floor of 330 s and a target of 260 s, an AHT of 295 s scores 50.
#
# **The components.** Handled contacts per scheduled hour, AHT, first-contact resolution, occupancy, service
# level (only levels that own queues: service × territory and above) and the CSAT of served chats. Each is
# computed from the level's own totals: a team's AHT is the team's handle time over its handled contacts,
# not an average of its operators' AHTs. An operator, a team and a service × territory are held to their
# service's targets; territories, macro-regions and the center to the default targets.
#
# **The integral score** is the weighted average of the component scores, with the weights of the
# dictionary. A component without a value (no queue for an operator, no rated chat) has no score and its
# weight is left out, so the integral is over what the level can be judged on.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from parebrick.analyses import read_view

SCORECARD = "v_cc_scorecard_monthly"
MONTH = None  # a month to look at, "YYYY-MM"; None: the latest month in the view
COMPONENTS = [  # (label on the chart, value column, score column)
    ("Handled\nper hour", "handled_per_hour", "handled_score"),
    ("AHT", "aht_sec", "aht_score"),
    ("First-contact\nresolution", "fcr_pct", "fcr_score"),
    ("Occupancy", "occupancy_pct", "occupancy_score"),
    ("Service\nlevel", "service_level_pct", "service_level_score"),
    ("CSAT", "csat_avg", "csat_score"),
]

months = read_view(SCORECARD, columns=["report_month"], where="level = 'center'")
month = pd.Timestamp(f"{MONTH}-01" if MONTH else months["report_month"].max()).date()
assert (pd.to_datetime(months["report_month"]).dt.date == month).any(), f"{SCORECARD} has no month {month:%Y-%m}"
cards = read_view(SCORECARD, where="report_month = {month:Date} AND level IN ('operator', 'center')",
                  parameters={"month": month})
operators = cards[cards["level"] == "operator"]
center = cards[cards["level"] == "center"].iloc[0]
assert not operators.empty, f"no operator worked in {month:%Y-%m}: there is no operator's card to show"
# The operator with the most handled contacts; a tie goes to the first login, so a rerun picks the same one.
operator = operators.sort_values(["handled", "member"], ascending=[False, True]).iloc[0]
print(f"Month {month:%Y-%m}: {operators['member'].nunique()} operators; "
      f"the card below is {operator['member']} (team {operator['parent']}), {operator['handled']} handled.")

# %% [markdown]
# **A check against the view itself.** The center's handled contacts are the sum of its operators'
# (every level adds up from the one below), so the two cards are cut from the same cloth.

# %%
assert int(center["handled"]) == int(operators["handled"].sum()), "the center's handled is not its operators' sum"
assert int(center["scheduled_sec"]) == int(operators["scheduled_sec"].sum())

# %% [markdown]
# ## The two cards, value and score per component
#
# `n/a`: no value, so no score (an operator owns no queue, so has no service level of their own).

# %%
def shown(value: object) -> str:
    """A published number to one decimal, n/a where the view has none."""
    return "n/a" if pd.isna(value) else f"{float(value):.1f}"


table = pd.DataFrame({
    "component": [label.replace("\n", " ") for label, _, _ in COMPONENTS] + ["Integral score"],
    f"{operator['member']}: value": [shown(operator[value]) for _, value, _ in COMPONENTS] + [""],
    f"{operator['member']}: score": [shown(operator[score]) for _, _, score in COMPONENTS]
    + [shown(operator["integral_score"])],
    "center: value": [shown(center[value]) for _, value, _ in COMPONENTS] + [""],
    "center: score": [shown(center[score]) for _, _, score in COMPONENTS] + [shown(center["integral_score"])],
}).set_index("component")
table

# %%
labels = [label for label, _, _ in COMPONENTS] + ["Integral\nscore"]
operator_scores = [operator[score] for _, _, score in COMPONENTS] + [operator["integral_score"]]
center_scores = [center[score] for _, _, score in COMPONENTS] + [center["integral_score"]]
positions = range(len(labels))
width = 0.38

fig, ax = plt.subplots(figsize=(11, 5))
for offset, scores, name, colour in ((-width / 2, operator_scores, f"Operator {operator['member']}", "#2a9d8f"),
                                     (width / 2, center_scores, "Whole contact center", "#e9a03b")):
    for x, score in zip(positions, scores):
        if pd.isna(score):
            ax.text(x + offset, 2, "n/a", ha="center", va="bottom", fontsize=9, color="grey")
            continue
        ax.bar(x + offset, float(score), width, color=colour, label=name if x == 0 else None)
        ax.text(x + offset, float(score) + 1, f"{float(score):.0f}", ha="center", va="bottom", fontsize=9)
ax.axvline(len(labels) - 1.5, color="grey", linewidth=0.8, linestyle=":")
ax.set_xticks(list(positions), labels)
ax.set_ylim(0, 110)
ax.set_ylabel("Score (0 = at or below the floor, 100 = target reached)")
ax.set_title(f"Scorecard for {month:%B %Y}: operator {operator['member']} (team {operator['parent']}) "
             "and the whole contact center")
ax.legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Reading it.** A bar at 100 means the target was reached (or beaten); a short bar shows where the
# operator, or the center, is furthest from its target. The operator is held to their own service's
# targets and the center to the default ones, so the two bars of a component compare each against its own
# target, not the operator's value against the center's.

# %% [markdown]
# ## From the specialist to the director: the same card at every level above the operator
#
# Each level's card is computed from its own totals, so the chain below is what a team lead shows a
# director: the operator, their team, the team's service in its territory, the territory, its
# macro-region and the whole center, each with its integral score. Next to it, where the operator stands
# among every operator of the month.

# %%
LEVELS = ["operator", "team", "service_territory", "territory", "macro_region", "center"]
every_level = read_view(SCORECARD, columns=["level", "member", "parent", "integral_score"],
                        where="report_month = {month:Date}", parameters={"month": month})
chain = [operator[["level", "member", "parent", "integral_score"]]]
for level in LEVELS[1:]:
    above = every_level[(every_level["level"] == level) & (every_level["member"] == chain[-1]["parent"])]
    assert len(above) == 1, f"{chain[-1]['member']} has no single parent card at level {level}"
    chain.append(above.iloc[0])
chain = pd.DataFrame(chain).reset_index(drop=True)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1.2, 1]})
names = [f"{level.replace('_', ' × ' if level == 'service_territory' else ' ')}\n{member}"
         for level, member in zip(chain["level"], chain["member"])]
scores = chain["integral_score"].astype(float)
left.barh(names[::-1], scores[::-1], color="#5b8fd6")
for y, score in enumerate(scores[::-1]):
    left.text(score + 1, y, f"{score:.0f}", va="center", fontsize=9)
left.set_xlim(0, 110)
left.set_xlabel("integral score (0–100)")
left.set_title(f"{operator['member']} up to the whole center, {month:%B %Y}")

all_operators = every_level.loc[every_level["level"] == "operator", "integral_score"].dropna().astype(float)
right.hist(all_operators, bins=20, range=(0, 100), color="#9ab", edgecolor="white")
right.axvline(float(operator["integral_score"]), color="#2a9d8f", linewidth=2, label=f"{operator['member']}")
right.axvline(float(center["integral_score"]), color="#e9a03b", linewidth=2, linestyle="--",
              label="whole contact center")
right.set_xlabel("integral score (0–100)")
right.set_ylabel("operators")
right.set_title(f"Every operator's integral score, {month:%B %Y}")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
share_below = (all_operators < float(operator["integral_score"])).mean()
print(f"{operator['member']} scores above {100 * share_below:.0f} % of the month's operators.")
