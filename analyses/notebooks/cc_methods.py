# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Contact center: analysis methods
#
# Eight ways of looking at the contact center's numbers, each with the question it answers and when to
# reach for it: (a) grouping, pivots and crosstabs, (b) resampling and rolling windows on the 30-minute
# intervals, (c) the forecast's accuracy (WAPE and bias), (d) the staffing gap by Erlang C, (e) queue-time
# distributions and percentiles, (f) a robust check for unusual days, (g) a non-parametric test between
# teams with its effect size, (h) service level against occupancy.
#
# The notebook reads only the published views (`v_cc_interval`, `v_cc_service_daily`, `v_cc_contacts`,
# `v_operator_daily`), the contract the dashboards read too, so its numbers are the dashboards' numbers; where
# two views overlap it checks that they agree before using either. The metric definitions are the
# warehouse's glossary (`docs/metrics.md`, in the docs site). The methods themselves are tested functions of
# `parebrick.analyses.methods`; this notebook shows them on whatever period the warehouse holds.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm

from parebrick.analyses import methods, read_view

TARGET_SL_PCT = 80.0       # the service level the WFM plans staff for (% within the queue's threshold)
ANOMALY_Z = 3.5            # robust z beyond which a day is flagged
MIN_HANDLED_PER_DAY = 5    # operator-days with fewer handled contacts give no meaningful AHT
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

plt.rcParams.update({"figure.figsize": (10, 4.2), "axes.grid": True, "grid.alpha": 0.3,
                     "axes.spines.top": False, "axes.spines.right": False})
pd.set_option("display.float_format", "{:,.2f}".format)

# %%
interval = read_view("v_cc_interval")
daily = read_view("v_cc_service_daily", columns=[
    "report_date", "service_code", "territory_code", "offered", "handled", "abandoned", "short_abandoned",
    "handled_within_sl", "service_level_pct", "aht_sec"])
contacts = read_view("v_cc_contacts", columns=[
    "report_date", "interval_start", "service_code", "territory_code", "outcome", "queue_time_sec",
    "service_level_sec", "is_handled_within_sl", "is_short_abandon"])
operators = read_view("v_operator_daily")

days = daily["report_date"].nunique()
print(f"{days} local dates, {daily['report_date'].min():%Y-%m-%d} to {daily['report_date'].max():%Y-%m-%d}; "
      f"{daily['service_code'].nunique()} services, {daily['territory_code'].nunique()} territories; "
      f"{len(contacts):,} contacts, {len(interval):,} interval rows, {len(operators):,} operator-days")

# %% [markdown]
# **Checks before use.** The interval view summed to days, and the contacts counted per day, must give the
# daily service report's offered, handled and abandoned for every date × service × territory (the same
# contacts, three grains). If they did not, one of the views would be wrong and nothing below could be
# trusted.

# %%
KEYS = ["report_date", "service_code", "territory_code"]
COUNTS = ["offered", "handled", "abandoned"]
reference = daily.set_index(KEYS)[COUNTS + ["short_abandoned", "handled_within_sl"]].astype("int64")

from_intervals = interval.groupby(KEYS, observed=True)[COUNTS].sum().astype("int64")
from_intervals = from_intervals.loc[from_intervals.sum(axis=1) > 0]   # forecast- or staffing-only rows
both = reference[COUNTS].join(from_intervals.add_suffix("_interval"), how="outer").fillna(0)
for column in COUNTS:
    assert (both[column] == both[f"{column}_interval"]).all(), f"v_cc_interval {column} differs from the daily view"

from_contacts = contacts.assign(
    offered=1, handled=contacts["outcome"].eq("handled").astype("int64"),
    abandoned=contacts["outcome"].eq("abandoned").astype("int64"),
    short_abandoned=contacts["is_short_abandon"].astype("int64"),
    handled_within_sl=contacts["is_handled_within_sl"].astype("int64"),
).groupby(KEYS, observed=True)[list(reference.columns)].sum()
assert from_contacts.sort_index().equals(reference.sort_index()), "v_cc_contacts counts differ from the daily view"
print(f"checked: {len(reference):,} date × service × territory rows agree across the three views")

# %% [markdown]
# **Whole days only.** The first and last local dates of a load can hold only part of a day (the
# extracts start and stop at a Moscow midnight, so the eastern territories' first or western territories'
# last hours fall on a date of their own). `v_cc_national_daily.is_whole_day` says which dates are whole
# (edge dates below half the median day's offered are not; a low day inside the period is, and section f is
# there to flag it); everything below uses whole days only.

# %%
national = read_view("v_cc_national_daily", columns=["report_date", "is_whole_day"], order_by="report_date")
full_days = national.loc[national["is_whole_day"], "report_date"]
left_out = national.loc[~national["is_whole_day"], "report_date"]
print(f"whole days: {len(full_days)} of {len(national)}; left out: "
      f"{', '.join(f'{d:%Y-%m-%d}' for d in left_out) or 'none'}")
daily = daily.loc[daily["report_date"].isin(full_days)]
interval = interval.loc[interval["report_date"].isin(full_days)].copy()
contacts = contacts.loc[contacts["report_date"].isin(full_days)]
operators = operators.loc[operators["report_date"].isin(full_days)]
days = len(full_days)

# %% [markdown]
# ## a. Grouping, pivots and crosstabs
#
# **Question**: how does the load of each service vary by day of week, and how do contacts end in each
# service? **When**: the first look at any new period or service; a pivot turns a long table into the
# matrix a team lead reads, a crosstab counts (or shares) two categories against each other. Sum counts first
# and recompute rates from the sums: the mean of daily percentages is not the percentage of the period.

# %%
per_service_day = daily.groupby(["report_date", "service_code"], observed=True)[["offered", "handled"]].sum()
per_service_day = per_service_day.reset_index()
per_service_day["day_of_week"] = pd.Categorical(
    per_service_day["report_date"].dt.day_of_week.map(dict(enumerate(DAY_NAMES))), DAY_NAMES, ordered=True)
pivot = per_service_day.pivot_table(index="service_code", columns="day_of_week", values=["offered", "handled"],
                                    aggfunc="mean", observed=False)
pivot["offered"].round(0)

# %%
handled_share = 100 * pivot["handled"] / pivot["offered"]
fig, ax = plt.subplots(figsize=(10, 4.5))
image = ax.imshow(pivot["offered"].to_numpy(dtype=float), aspect="auto", cmap="Blues")
ax.set_xticks(range(len(pivot["offered"].columns)), pivot["offered"].columns)
ax.set_yticks(range(len(pivot.index)), pivot.index)
for (r, c), value in np.ndenumerate(pivot["offered"].to_numpy(dtype=float)):
    if np.isfinite(value):
        ax.text(c, r, f"{value:,.0f}\n{handled_share.iat[r, c]:.0f}% h", ha="center", va="center", fontsize=7)
ax.set_title("Mean offered contacts per day, by service and day of week (h: share handled)")
ax.set_xlabel("day of week (local date)")
ax.set_ylabel("service")
ax.grid(False)
fig.colorbar(image, ax=ax, label="offered contacts per day")
plt.show()

# %%
outcome_share = pd.crosstab(contacts["service_code"], contacts["outcome"], normalize="index") * 100
outcome_counts = pd.crosstab(contacts["service_code"], contacts["outcome"], margins=True, margins_name="all")
display(outcome_counts)
display(outcome_share.round(1).add_suffix(" %"))

# %% [markdown]
# ## b. Resampling and rolling windows on the 30-minute intervals
#
# **Question**: what does the intraday pattern look like at a coarser grain, and what is the trend once the
# intraday swing is smoothed away? **When**: resample (intervals → hours → days) to change the grain of a
# time series, summing counts; use a rolling window to smooth one day's worth of intervals (48) into a
# trend. A rolling service level is the rolling sum of within-SL contacts over the rolling sum of its
# denominator, never a rolling mean of percentages. Times are each territory's local clock.

# %%
sl_parts = contacts.assign(
    within=contacts["is_handled_within_sl"].astype("int64"),
    denominator=1 - contacts["is_short_abandon"].astype("int64"),
).groupby("interval_start")[["within", "denominator"]].sum()
national = interval.groupby("interval_start")[["offered", "handled", "forecast_offered"]].sum()
national = national.join(sl_parts, how="left").fillna(0).asfreq("30min", fill_value=0)
assert national["denominator"].sum() == len(contacts) - contacts["is_short_abandon"].sum()


def service_level(frame: pd.DataFrame) -> pd.Series:
    """100 × within SL / (offered − short abandoned), NULL (NaN) on an empty denominator."""
    return 100 * frame["within"] / frame["denominator"].where(frame["denominator"] > 0)


hourly = national.resample("h").sum()
by_day = national.resample("D").sum()
rolling = national[["offered", "within", "denominator"]].rolling(48, min_periods=12).sum()
national["offered_rolling_mean"] = national["offered"].rolling(48, min_periods=12, center=True).mean()
national["sl_rolling_pct"] = service_level(rolling)
print(f"{len(national):,} intervals → {len(hourly):,} hours → {len(by_day):,} days")
by_day.assign(service_level_pct=service_level(by_day))[["offered", "handled", "service_level_pct"]].round(1)

# %%
fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
top.plot(national.index, national["offered"], lw=0.6, color="#9ab", label="offered per 30-minute interval")
top.plot(hourly.index, hourly["offered"] / 2, lw=1, color="#357", label="hourly (resampled), per 30 minutes")
top.plot(national.index, national["offered_rolling_mean"], lw=2, color="#d1495b", label="24-hour rolling mean")
top.set_ylabel("offered contacts per 30 min")
top.set_title("Offered contacts, all services: intervals, hours and the 24-hour rolling mean")
top.legend(loc="upper left", fontsize=8)
bottom.plot(hourly.index, service_level(hourly), lw=0.8, color="#9ab", label="hourly service level")
bottom.plot(national.index, national["sl_rolling_pct"], lw=2, color="#2a9d8f", label="24-hour rolling service level")
bottom.axhline(TARGET_SL_PCT, color="grey", ls="--", lw=1, label=f"target {TARGET_SL_PCT:.0f} %")
bottom.set_ylabel("service level, %")
bottom.set_xlabel("local time of the territories")
bottom.set_title("Service level: hourly and over the past 24 hours (rolling sums, not a mean of %)")
bottom.legend(loc="lower left", fontsize=8)
plt.show()

# %% [markdown]
# ## c. The forecast's accuracy: WAPE and bias
#
# **Question**: how far off was the WFM forecast, and does it lean one way? **When**: reviewing a forecast
# model or a planner's assumptions. WAPE = Σ|actual − forecast| / Σ actual weighs every contact the same, so
# the quiet night intervals (where one contact more is +100 %) do not dominate it as they dominate the mean
# of the interval errors (`forecast_error_pct`, shown for contrast). Bias = Σ(actual − forecast) / Σ actual
# is signed like the view's error: positive means more came than forecast (understaffing risk). Only
# intervals with a forecast count; the forecast is the last publication before the interval.

# %%
interval["hour"] = interval["interval_start"].dt.hour
by_service = methods.forecast_accuracy(interval, "service_code")
naive = interval.groupby("service_code", observed=True)["forecast_error_pct"].apply(lambda e: e.abs().mean())
by_service = by_service.join(naive.rename("mean_abs_interval_error_pct"), on="service_code")
overall = methods.wape_pct(interval["offered"], interval["forecast_offered"])
print(f"all services: WAPE {overall:.1f} %, bias {methods.bias_pct(interval['offered'], interval['forecast_offered']):+.1f} %")
by_service.sort_values("actual", ascending=False)

# %%
by_hour = methods.forecast_accuracy(interval, "hour")
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
ordered = by_service.sort_values("wape_pct")
left.barh(ordered["service_code"], ordered["wape_pct"], color="#5b8fd6", label="WAPE")
left.barh(ordered["service_code"], ordered["bias_pct"], color="#e9a03b", alpha=0.8, height=0.4, label="bias")
left.axvline(0, color="black", lw=0.8)
left.set_xlabel("% of offered contacts")
left.set_title("Forecast WAPE and bias by service")
left.legend(fontsize=8)
right.plot(by_hour["hour"], by_hour["wape_pct"], marker="o", label="WAPE")
right.plot(by_hour["hour"], by_hour["bias_pct"], marker="s", label="bias (+ = more came than forecast)")
right.axhline(0, color="black", lw=0.8)
right.set_xlabel("hour of day (local)")
right.set_ylabel("% of offered contacts")
right.set_xticks(range(0, 24, 3))
right.set_title("Forecast WAPE and bias by hour of day, all services")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## d. Erlang C: agents the actual load required against the schedule
#
# **Question**: in which intervals were there fewer agents at work than the load that actually came needed
# to meet the target, and in which services and hours does that happen? **When**: after a bad service-level
# day (was it the forecast or the schedule?), and to aim schedule changes. Per interval, the load is offered /
# 1800 s × AHT (Erlangs, the interval's AHT; the forecast's where nobody was handled); Erlang C gives the
# fewest agents that answer `TARGET_SL_PCT` % within the queue's threshold (taken from its contacts). The gap
# is scheduled agents (from the WFM schedule's `work` time) minus required: negative is short. Erlang C
# assumes no abandonment and steady arrivals within the interval, so it errs on the safe side; read the gap
# as a pattern, not an exact head count: an interval's AHT over a handful of contacts is itself noisy.

# %%
threshold = contacts.groupby(["service_code", "territory_code"], observed=True)["service_level_sec"].median()
staffing = interval.join(threshold.rename("threshold_sec"), on=["service_code", "territory_code"])
staffing["threshold_sec"] = staffing["threshold_sec"].fillna(contacts["service_level_sec"].median())
staffing = methods.staffing_gap(staffing, threshold_sec=staffing["threshold_sec"].to_numpy(),
                                target_pct=TARGET_SL_PCT)
# Contacts that came while a line was closed (no forecast, nobody scheduled: a business-hours service at
# night) are no staffing gap to close; they are counted apart.
closed = (staffing["offered"] > 0) & (staffing["scheduled_agents"] == 0) & (staffing["forecast_offered"].fillna(0) == 0)
print(f"contacts while the line was closed: {int(staffing.loc[closed, 'offered'].sum()):,} in {int(closed.sum())} "
      f"intervals ({', '.join(staffing.loc[closed, 'service_code'].astype(str).value_counts().index) or 'none'})")
busy = staffing.loc[(staffing["offered"] > 0) & ~closed]
summary = busy.groupby("service_code", observed=True).agg(
    intervals=("offered", "size"), understaffed_pct=("is_understaffed", "mean"),
    scheduled_mean=("scheduled_agents", "mean"), required_mean=("required_agents_actual", "mean"),
    forecast_required_mean=("required_agents", "mean"), gap_mean=("staffing_gap", "mean"))
summary["understaffed_pct"] *= 100
print(f"open intervals with contacts: {len(busy):,}; understaffed: {100 * busy['is_understaffed'].mean():.1f} %")
summary.sort_values("understaffed_pct", ascending=False)

# %%
short_by_hour = busy.pivot_table(index="service_code", columns="hour", values="is_understaffed",
                                 aggfunc="mean", observed=True) * 100
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5), gridspec_kw={"width_ratios": [3, 2]})
image = left.imshow(short_by_hour.to_numpy(dtype=float), aspect="auto", cmap="Reds", vmin=0, vmax=100)
left.set_xticks(range(len(short_by_hour.columns)), short_by_hour.columns, fontsize=7)
left.set_yticks(range(len(short_by_hour.index)), short_by_hour.index)
left.set_xlabel("hour of day (local)")
left.set_ylabel("service")
left.set_title("Share of open intervals understaffed for the actual load, %")
left.grid(False)
fig.colorbar(image, ax=left, label="% of intervals with contacts")
hour_totals = staffing.groupby("hour")[["scheduled_agents", "required_agents_actual", "required_agents"]].sum() / days
right.plot(hour_totals.index, hour_totals["scheduled_agents"], marker="o", label="scheduled (WFM, work)")
right.plot(hour_totals.index, hour_totals["required_agents_actual"], marker="s", label="required by the actual load")
right.plot(hour_totals.index, hour_totals["required_agents"], ls="--", label="required by the forecast")
right.set_xlabel("hour of day (local)")
right.set_ylabel("agents per 30-min interval, all queues (daily mean)")
right.set_title("Agents: scheduled vs required")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Reading it: where the scheduled line dips under the required one, the schedule (not the forecast) is the
# cause: breaks and trainings placed at a peak show as a dip in scheduled agents with no dip in the load. Where
# the actual requirement runs above the forecast's, the forecast was short. The worst intervals below are the
# ones to look at first; a very high interval AHT over a few contacts inflates the requirement.

# %%
worst = busy.nsmallest(10, "staffing_gap")[[
    "interval_start", "service_code", "territory_code", "offered", "forecast_offered", "aht_sec",
    "scheduled_agents", "required_agents_actual", "staffing_gap", "service_level_pct"]]
worst

# %% [markdown]
# ## e. Queue-time distributions and percentiles
#
# **Question**: how long do callers wait, and how long a wait do the unlucky ones get? **When**: the mean
# (ASA) hides the tail a customer complains about: the 80th, 90th and 95th percentiles show it, and the
# ECDF reads off directly the share answered within any threshold (at the threshold it is close to the
# service level, except that the SL's denominator also counts abandons). Separate handled contacts (wait
# until answered) from abandoned ones (wait until the caller gave up).

# %%
waits = contacts.loc[contacts["queue_time_sec"].notna()].astype({"queue_time_sec": "float64"})
handled_waits = waits.loc[waits["outcome"] == "handled"]
abandoned_waits = waits.loc[waits["outcome"] == "abandoned"]
wait_table = methods.percentiles(handled_waits, "queue_time_sec", "service_code").set_index("service_code")
wait_table = wait_table.join(methods.percentiles(abandoned_waits, "queue_time_sec", "service_code")
                             .set_index("service_code")[["n", "p50", "p90"]].add_prefix("abandoned_"))
wait_table.sort_values("p90", ascending=False)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
upper = float(np.nanpercentile(handled_waits["queue_time_sec"], 99)) if len(handled_waits) else 1.0
bins = np.linspace(0, max(upper, 1.0), 40)
left.hist(handled_waits["queue_time_sec"].clip(upper=bins[-1]), bins=bins, alpha=0.7, label="handled")
left.hist(abandoned_waits["queue_time_sec"].clip(upper=bins[-1]), bins=bins, alpha=0.6, label="abandoned")
left.set_yscale("log")
left.set_xlabel("seconds in queue (values above the 99th percentile in the last bin)")
left.set_ylabel("contacts (log scale)")
left.set_title("Queue time, all services")
left.legend(fontsize=8)
for service in wait_table.sort_values("n", ascending=False).index[:5]:
    x, y = methods.ecdf(handled_waits.loc[handled_waits["service_code"] == service, "queue_time_sec"])
    right.step(x, 100 * y, where="post", label=service)
right.axvline(contacts["service_level_sec"].median(), color="grey", ls="--", lw=1, label="usual SL threshold")
right.set_xlim(0, bins[-1])
right.set_xlabel("seconds in queue")
right.set_ylabel("% of handled contacts answered within")
right.set_title("ECDF of the wait of handled contacts (five largest services)")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## f. A robust check for unusual days
#
# **Question**: was any day's volume out of line with what the same day of the week usually brings?
# **When**: before reading a trend (an outage or a mass mailing distorts it), and to see whether a bad
# service-level day simply had unusual demand. Each day is compared with the median of the *other* days of
# its weekday (weekdays are told apart once every weekday has three dates; before that, with the other days),
# and the deviation gets a robust z-score from the median and MAD: a spike neither raises its own baseline nor
# inflates the spread it is measured by, which a mean and standard deviation would. Flagged: |z| >
# `ANOMALY_Z`. With fewer than five days nothing is flagged: there is no baseline yet.

# %%
national_daily = daily.groupby("report_date")["offered"].sum()
flags = methods.daily_anomalies(national_daily, threshold=ANOMALY_Z)
per_service_flags = pd.concat({
    service: methods.daily_anomalies(series.droplevel("service_code"), threshold=ANOMALY_Z)
    for service, series in daily.groupby(["service_code", "report_date"], observed=True)["offered"].sum()
    .groupby(level="service_code", observed=True)
}, names=["service_code", "report_date"])
flagged = per_service_flags.loc[per_service_flags["is_anomaly"]]
print(f"all services: {int(flags['is_anomaly'].sum())} flagged of {len(flags)} days; "
      f"per service: {len(flagged)} flagged service-days")
pd.concat([flags.loc[flags["is_anomaly"]].assign(service_code="(all)").set_index("service_code", append=True)
           .swaplevel(), flagged]).round(1)

# %%
fig, ax = plt.subplots(figsize=(11, 4.2))
ax.plot(flags.index, flags["value"], marker="o", label="offered contacts")
ax.plot(flags.index, flags["baseline"], ls="--", color="grey", label="baseline: median of the same weekday")
marked = flags.loc[flags["is_anomaly"]]
ax.scatter(marked.index, marked["value"], s=140, facecolors="none", edgecolors="#d1495b", lw=2,
           label=f"flagged (|robust z| > {ANOMALY_Z})", zorder=3)
ax.set_xlabel("local date")
ax.set_ylabel("offered contacts per day")
ax.set_title("Daily offered contacts, all services, against a robust weekly baseline")
ax.legend(fontsize=8)
fig.autofmt_xdate()
plt.show()

# %% [markdown]
# ## g. Do teams differ? A non-parametric test with its effect size
#
# **Question**: is one team's handle time really different from another's, or is it noise? **When**: before
# acting on a league table. Operator-day AHT is skewed and has outliers, so the test compares ranks: Mann–
# Whitney U for two teams, Kruskal–Wallis for several. A p-value only says whether a difference is
# detectable; with enough days a trivial one is. So each test comes with its size: Cliff's delta (= the
# rank-biserial correlation: the chance a day of team A has a longer AHT than a day of team B, minus the
# reverse; |δ| < 0.15 negligible, > 0.47 large) or epsilon² for Kruskal–Wallis, and the Hodges–Lehmann shift
# in seconds. Operator-days with fewer than `MIN_HANDLED_PER_DAY` handled contacts are left out.

# %%
op_days = operators.loc[operators["handled"].ge(MIN_HANDLED_PER_DAY) & operators["aht_sec"].notna()
                        & operators["team"].notna()]
team_sizes = op_days.groupby(["service_code", "team"], observed=True).size()
service = team_sizes.groupby(level="service_code", observed=True).size().idxmax()   # the most teams
teams = op_days.loc[op_days["service_code"] == service]
samples = {team: group["aht_sec"].to_numpy() for team, group in teams.groupby("team", observed=True)}
kw = methods.compare_groups(samples)
print(f"{service}: Kruskal–Wallis across {kw.groups} teams, {kw.n} operator-days: H = {kw.h_statistic:.1f}, "
      f"p = {kw.p_value:.3g}, epsilon² = {kw.epsilon_squared:.3f}")

largest = team_sizes.loc[service].nlargest(2).index
pair = methods.compare_teams(samples[largest[0]], samples[largest[1]])
medians = op_days.groupby("service_code", observed=True)["aht_sec"].median()
slow_team = team_sizes.loc[medians.idxmax()].idxmax()
fast_team = team_sizes.loc[medians.idxmin()].idxmax()
contrast = methods.compare_teams(op_days.loc[op_days["team"] == slow_team, "aht_sec"],
                                 op_days.loc[op_days["team"] == fast_team, "aht_sec"])
tests = pd.DataFrame({f"{largest[0]} vs {largest[1]}": vars(pair) | {"magnitude": pair.magnitude},
                      f"{slow_team} vs {fast_team}": vars(contrast) | {"magnitude": contrast.magnitude}}).T
tests["p_value"] = tests["p_value"].map("{:.2g}".format)
tests

# %% [markdown]
# Reading it: two teams of the same service (same work, different territories) are the fair comparison; a
# large p-value or a negligible delta there says the league table's order between them is noise. The
# second pair, the largest teams of the services with the longest and the shortest median AHT, shows what a
# real difference looks like: the work itself differs, so it is a fact to plan with, not a team to coach.

# %%
fig, ax = plt.subplots(figsize=(11, 4.2))
order = sorted(samples, key=lambda t: np.median(samples[t]))
ax.boxplot([samples[t] for t in order], showfliers=False)
ax.set_xticks(range(1, len(order) + 1), order, rotation=45, ha="right", fontsize=8)
ax.set_xlabel("team")
ax.set_ylabel("operator-day AHT, seconds")
ax.set_title(f"Operator-day AHT by team, {service} (Kruskal–Wallis p = {kw.p_value:.2g}, "
             f"epsilon² = {kw.epsilon_squared:.3f})")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## h. Service level against occupancy
#
# **Question**: when operators are busier, does the service level fall, and how steeply? **When**: to
# argue for or against more staff: low occupancy with a poor service level points at the schedule's fit to
# the peaks rather than at the head count. Per local date × service × territory, occupancy is the operators'
# talk + hold + work over their scheduled work time (summed, then divided) and the service level is the daily
# report's. LOWESS (a local regression, statsmodels) shows the shape without assuming one; the OLS line gives
# a slope with its confidence interval, for the linear part only.

# %%
workload = operators.groupby(KEYS, observed=True)[["talk_sec", "hold_sec", "work_sec", "scheduled_sec"]].sum()
workload["occupancy_pct"] = 100 * workload[["talk_sec", "hold_sec", "work_sec"]].sum(axis=1) / workload[
    "scheduled_sec"].where(workload["scheduled_sec"] > 0)
points = daily.set_index(KEYS)[["service_level_pct", "offered"]].join(workload["occupancy_pct"], how="inner")
points = points.dropna().reset_index()
fit = sm.OLS(points["service_level_pct"], sm.add_constant(points["occupancy_pct"])).fit()
low, high = fit.conf_int().loc["occupancy_pct"]
smooth = sm.nonparametric.lowess(points["service_level_pct"], points["occupancy_pct"], frac=0.6)
print(f"{len(points)} service-territory-days; OLS slope {fit.params['occupancy_pct']:+.2f} SL points per "
      f"occupancy point (95 % CI {low:+.2f} to {high:+.2f}), R² {fit.rsquared:.2f}")

# %%
fig, ax = plt.subplots(figsize=(10, 5))
for service, group in points.groupby("service_code", observed=True):
    ax.scatter(group["occupancy_pct"], group["service_level_pct"], s=12, alpha=0.6, label=service)
grid = np.linspace(points["occupancy_pct"].min(), points["occupancy_pct"].max(), 50)
ax.plot(grid, fit.params["const"] + fit.params["occupancy_pct"] * grid, color="black", lw=1.5, label="OLS line")
ax.plot(smooth[:, 0], smooth[:, 1], color="#d1495b", lw=2.5, label="LOWESS")
ax.axhline(TARGET_SL_PCT, color="grey", ls="--", lw=1, label=f"SL target {TARGET_SL_PCT:.0f} %")
ax.set_xlabel("occupancy, % of scheduled work time")
ax.set_ylabel("service level, %")
ax.set_title("Service level against occupancy, per local date × service × territory")
ax.legend(fontsize=7, ncol=2)
plt.show()
