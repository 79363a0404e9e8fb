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
# # Cloud service: why clients leave
#
# The churn study of the cloud service for automating business processes: who the clients are, how long
# they stay, and which of the suspected causes of churn the data supports: a price increase, the company's
# size, its activity in the product, its industry and tariff group, and the share of managers among its
# users. It ends with the typical client, the data-quality defects and recommendations that are computed
# from the results, so a recommendation is here only when its test says so.
#
# The notebook reads only published views: `v_saas_companies` (one row per company: the portrait),
# `v_saas_company_months` (company × month: movement, MRR, activity), `v_saas_company_roles` (the role mix),
# `v_saas_churn_monthly`, `v_saas_cohort_retention` and `v_saas_data_quality` (what the warehouse found
# wrong in the extracts and did about it). The rules behind them (a subscription, churn,
# censoring, a price increase, on-time renewal) are the glossary's (`docs/metrics.md`, in the docs site,
# section "SaaS"). The methods are tested functions of `parebrick.analyses.churn`.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parebrick.analyses import churn, read_view

ALPHA = churn.ALPHA        # the significance level of every test below (before the correction)
MIN_GROUP = 30             # groups with fewer companies get no Kaplan–Meier curve of their own

plt.rcParams.update({"figure.figsize": (10, 4.2), "axes.grid": True, "grid.alpha": 0.3,
                     "axes.spines.top": False, "axes.spines.right": False})
pd.set_option("display.float_format", "{:,.2f}".format)
pd.set_option("display.max_colwidth", 200)

# %%
companies = read_view("v_saas_companies")
months = read_view("v_saas_company_months")
roles = read_view("v_saas_company_roles")
monthly = read_view("v_saas_churn_monthly", order_by="report_month")
cohorts = read_view("v_saas_cohort_retention")
quality = read_view("v_saas_data_quality", order_by="extract, defect")
views = {"v_saas_companies": companies, "v_saas_company_months": months, "v_saas_company_roles": roles,
         "v_saas_churn_monthly": monthly, "v_saas_cohort_retention": cohorts, "v_saas_data_quality": quality}
pd.DataFrame({"rows": {name: len(frame) for name, frame in views.items()}})

# %% [markdown]
# ## Preprocessing
#
# The warehouse has already done the cleaning the raw exports need (the latest version of every row, the
# industry spellings mapped to one industry, negative activity counts made NULL, rows whose paid period ends
# before they were created left out of coverage); what is left here is to see what the views hold and
# check that they agree. A company that registered but never paid has no lifetime: it is counted, then left
# out of the survival analysis. A company still paying at the as-of date is **censored**: we know it stayed
# at least its lifetime so far, not how long it will stay.

# %%
paid = churn.survival_frame(companies)
never_paid = companies["first_paid_on"].isna()
summary = pd.Series({
    "companies": len(companies),
    "never paid": int(never_paid.sum()),
    "paid at least once": len(paid),
    "churned for good": int(paid["churned"].sum()),
    "still clients (censored)": int((~paid["churned"]).sum()),
    "censored, % of paying": 100 * float((~paid["churned"]).mean()),
    "came back at least once": int((paid["reactivations"] > 0).sum()),
    "renewed at a raised price": int(paid["had_price_increase"].sum()),
    "first paid": f"{paid['first_paid_on'].min():%Y-%m-%d} … {paid['first_paid_on'].max():%Y-%m-%d}",
    "latest month": f"{months['report_month'].max():%Y-%m}",
}, name="value")
display(summary.to_frame())

# The views must agree where they overlap: the months belong to the companies that paid, a company's
# roles add up to its users, and the monthly churn view counts the company-months' churns.
assert set(months["company_id"]) == set(paid["company_id"]), "company-months of companies that never paid"
role_users = roles.groupby("company_id")["users_active"].sum().reindex(companies["company_id"], fill_value=0)
assert (role_users.to_numpy() == companies["users_active"].to_numpy()).all(), "roles do not add up to users"
assert monthly["churned"].sum() == (months["movement"] == "churn").sum(), "churn counts differ between views"
assert monthly["new"].sum() == len(paid), "every paying company is new once"
print(f"checked: {len(months):,} company-months, {len(roles):,} company roles and {len(monthly):,} churn rows "
      "agree with the companies")

# %% [markdown]
# ### What the warehouse found in the extracts
#
# Every defect the warehouse counts, per extract, with what it did about it (`v_saas_data_quality`). The
# faults of the export (`is_export_defect`) are what the team that owns the product database should fix at
# the source; open invoices and replaced versions are the export's routine, resolved by the warehouse's rules.
# The companies without any billing row (`no_billing`) are among those that never paid, above; the others
# that never paid have only invoices left open.

# %%
no_billing = int(quality.set_index(["extract", "defect"]).loc[("companies", "no_billing"), "rows"])
assert no_billing <= int(never_paid.sum()), "a company without billing cannot have paid"
print(f"never paid: {int(never_paid.sum()):,} companies, {no_billing:,} of them without any billing row")
faults = quality.loc[quality["is_export_defect"] & (quality["rows"] > 0)]
print(f"{int(faults['rows'].sum()):,} rows with a fault of the export, in {len(faults)} kinds; "
      f"billing: {int(faults.loc[faults['extract'] == 'billing', 'rows'].sum()):,}")
quality[["extract", "defect", "is_export_defect", "rows", "action"]]

# %% [markdown]
# ## Distributions
#
# How long companies have stayed, how many users they have, and the monthly logo churn of the whole
# service (churned companies over those active the month before, from `v_saas_churn_monthly`).

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
bins = np.linspace(0, paid["lifetime_days"].max(), 37)
for flag, label in ((True, "churned for good"), (False, "still clients (censored)")):
    axes[0].hist(paid.loc[paid["churned"] == flag, "lifetime_days"], bins=bins, alpha=0.6, label=label)
axes[0].set_title("Lifetime of the paying companies")
axes[0].set_xlabel("lifetime, days")
axes[0].set_ylabel("companies")
axes[0].legend()
users = paid["users_active"].clip(upper=40)
axes[1].hist(users, bins=np.arange(0, 42) - 0.5, color="tab:green")
axes[1].set_title("Active users per paying company (40 and more in the last bar)")
axes[1].set_xlabel("active users")
axes[1].set_ylabel("companies")
plt.show()

# %%
service = monthly.groupby("report_month")[["active_start", "churned", "active_end", "mrr_end"]].sum()
service["logo_churn_pct"] = 100 * service["churned"] / service["active_start"].where(service["active_start"] > 0)
service = service.loc[service["active_start"] >= MIN_GROUP]
fig, ax = plt.subplots()
ax.plot(service.index, service["logo_churn_pct"], marker="o", ms=3)
ax.set_title("Monthly logo churn of the service (months with at least 30 active companies)")
ax.set_xlabel("month")
ax.set_ylabel("churned, % of active the month before")
ax2 = ax.twinx()
ax2.plot(service.index, service["active_end"], color="tab:grey", alpha=0.5)
ax2.set_ylabel("active companies at the month's end", color="tab:grey")
ax2.grid(False)
plt.show()

# %%
pivot = cohorts.assign(cohort=cohorts["cohort_month"].dt.to_period("Q").astype(str)).groupby(
    ["cohort", "months_since_start"])[["cohort_size", "active"]].sum()
retention = (100 * pivot["active"] / pivot["cohort_size"]).unstack("months_since_start")
retention = retention.loc[:, retention.columns <= 24]
fig, ax = plt.subplots(figsize=(12, 4.5))
image = ax.imshow(retention.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=100)
ax.set_yticks(range(len(retention.index)), retention.index)
ax.set_title("Logo retention by quarter of the first subscription")
ax.set_xlabel("months since the first subscription")
ax.set_ylabel("cohort (quarter)")
ax.grid(False)
fig.colorbar(image, ax=ax, label="still active, % of the cohort")
plt.show()

# %% [markdown]
# ## Lifetime curves: Kaplan–Meier by industry and by size
#
# A Kaplan–Meier curve is the share of companies still clients after *t* days, estimated so that censored
# companies count while they are watched and no longer after: a plain average of lifetimes would treat
# today's clients as if they had left today. The log-rank test asks whether the curves of the groups differ
# more than chance would make them (H0: one churn hazard for all groups). Groups of fewer than 30 companies
# get no curve of their own (they stay in the test).

# %%
def plot_curves(by: str, order: list[str], title: str) -> None:
    """The groups' Kaplan–Meier curves with their 95 % bands, the log-rank test in the title."""
    curves = churn.kaplan_meier_by(paid, "lifetime_days", "churned", by, min_size=MIN_GROUP)
    chi2, p, df = churn.logrank(paid["lifetime_days"], paid["churned"], paid[by].astype(str))
    fig, ax = plt.subplots(figsize=(11, 5))
    for group in [g for g in order if g in set(curves[by])]:
        curve = curves.loc[curves[by] == group]
        line, = ax.step(curve["time"], curve["survival"], where="post",
                        label=f"{group} (n={curve['n'].iat[0]}, median {curve['median'].iat[0]:.0f} d)")
        ax.fill_between(curve["time"], curve["ci_low"], curve["ci_high"], step="post", alpha=0.08,
                        color=line.get_color())
    ax.set_title(f"{title}: log-rank χ² = {chi2:.1f} ({df} df), p = {p:.1e}")
    ax.set_xlabel("days since the first subscription")
    ax.set_ylabel("share still clients")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, ncol=2)
    plt.show()


industries = paid["industry"].value_counts().index.tolist()
plot_curves("industry", industries, "Lifetime by industry")

# %%
sizes = churn.size_order(paid["size_bucket"].dropna())
plot_curves("size_bucket", sizes, "Lifetime by company size (employees)")
table, _ = churn.observed_expected(paid["lifetime_days"], paid["churned"], paid["size_bucket"], sizes)
display(table.rename(columns={"group": "size_bucket"}).set_index("size_bucket"))

# %% [markdown]
# `observed_over_expected` above 1: the bucket churns more than it would if every bucket shared one hazard.
# The plain log-rank test only says that *some* bucket differs; the test for trend below says which way.
#
# ## Hypothesis tests
#
# Each test states its null hypothesis, the alternative, the level, and why it fits the data; all are
# two-sided and the direction is read from the effect. Together they are a family of tests on one data set,
# so the p-values are corrected for multiplicity by Holm's method (it keeps the chance of any false finding
# at α while being uniformly more powerful than Bonferroni); the decision is on the adjusted p-value.
#
# - **Price increase**: churns per active company-month after the company's first renewal at a raised
#   price against the months before it or without one (a rate ratio; a company contributes to both sides).
# - **Size**: the log-rank test across the size buckets, and its test for trend in bucket order (a
#   negative z: the larger the bucket, the fewer churns than expected).
# - **Activity**: the mean monthly activity (the six counts summed) over a churner's last three months with
#   activity before it churned, against a retained company's last three months.
# - **Role mix**: the share of managers among a company's non-owner users, churners against the others.
# - **Industry** and **tariff group**: log-rank across the groups.

# %%
tests = [
    churn.test_price_increase(months, companies, alpha=ALPHA),
    churn.test_lifetime_by(companies, "size_bucket", "size", "size bucket", alpha=ALPHA),
    churn.test_size_trend(companies, sizes, alpha=ALPHA),
    churn.test_activity(months, companies, alpha=ALPHA),
    churn.test_role_mix(roles, companies, alpha=ALPHA),
    churn.test_lifetime_by(companies, "industry", "industry", "industry", alpha=ALPHA),
    churn.test_lifetime_by(companies, "tariff_group", "tariff_group", "tariff group", alpha=ALPHA),
]
results = churn.correct(tests)
display(results[["name", "h0", "h1", "alpha", "test", "why"]].set_index("name"))

# %%
shown = results[["name", "statistic", "p_value", "p_adjusted", "significant", "effect", "effect_name",
                 "direction"]].set_index("name")
display(shown.style.format({"statistic": "{:,.2f}", "p_value": "{:.2e}", "p_adjusted": "{:.2e}",
                            "effect": "{:,.3f}"}))

# %%
fig, ax = plt.subplots(figsize=(10, 3.8))
order = results.sort_values("p_adjusted")
heights = -np.log10(order["p_adjusted"].clip(lower=1e-300))
ax.barh(order["name"], heights, color=np.where(order["significant"], "tab:red", "tab:grey"))
ax.axvline(-np.log10(ALPHA), color="black", ls="--", lw=1, label=f"α = {ALPHA}")
ax.set_title("Holm-adjusted p-values (red: significant)")
ax.set_xlabel("−log10(adjusted p)")
ax.set_ylabel("test")
ax.invert_yaxis()
ax.legend()
plt.show()

# %%
price = churn.months_at_risk(months, companies)
rates = price.groupby("after").agg(churns=("is_churn", "sum"), months=("is_churn", lambda s: int((~s).sum())))
rates.index = rates.index.map({False: "before or without a raise", True: "after a raise"})
rates["churn per 100 company-months"] = 100 * rates["churns"] / rates["months"]
display(rates)
activity = churn.activity_before_end(months, companies)
fig, ax = plt.subplots()
groups = [activity.loc[activity["churned"] == flag, "activity"] for flag in (True, False)]
ax.boxplot(groups, showfliers=False)
ax.set_xticks([1, 2], ["churners: last 3 months before leaving", "retained: last 3 months"])
ax.set_yscale("log")
ax.set_title("Monthly activity (six counts summed) before the end")
ax.set_xlabel("companies")
ax.set_ylabel("activity a month (log scale)")
plt.show()

# %% [markdown]
# ## Correlations (φK)
#
# φK (phik) measures dependence between any two columns (categorical, ordinal or numeric) on one 0 … 1
# scale, and catches non-linear relations that Pearson's r misses. It is descriptive: it has no direction
# and even an unrelated factor shows a small value on a finite sample, so the tests above decide, and φK
# shows what else moves with churn (e.g. size and tariff group go together). The share of managers moves
# with the number of users for a reason of arithmetic, not of roles: a company with two non-owner users can
# only have a share of 0, ½ or 1, so φK sees the share's spread change with size.

# %%
features = churn.churn_features(companies, months, roles)
matrix = churn.phik_correlations(features)
fig, ax = plt.subplots(figsize=(8, 6.5))
image = ax.imshow(matrix.to_numpy(dtype=float), cmap="Reds", vmin=0, vmax=1)
ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45, ha="right")
ax.set_yticks(range(len(matrix.index)), matrix.index)
for (r, c), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
    ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=7)
ax.set_title("φK correlations of churn and the companies' features")
ax.set_xlabel("feature")
ax.set_ylabel("feature")
ax.grid(False)
fig.colorbar(image, ax=ax, label="φK")
plt.show()
matrix["churned"].drop("churned").sort_values(ascending=False).to_frame("φK with churned")

# %% [markdown]
# ## The typical client
#
# Over the companies that paid at least once: the median number of active users, the most common tariff
# group, size bucket and industry (with their shares), the mean share of renewals paid on time, and the
# median lifetime from the Kaplan–Meier curve of all paying companies.

# %%
typical = churn.portrait(companies)
pd.Series({
    "paying companies": f"{typical['companies']:,}",
    "median active users": f"{typical['median_users']:.0f}",
    "most common tariff group": f"{typical['tariff_group']} ({typical['tariff_group_share_pct']:.0f} %)",
    "most common size bucket": f"{typical['size_bucket']} employees ({typical['size_bucket_share_pct']:.0f} %)",
    "most common industry": f"{typical['industry']} ({typical['industry_share_pct']:.0f} %)",
    "renewals paid on time, mean %": f"{typical['on_time_renewal_pct']:.1f}",
    "median lifetime, days (Kaplan–Meier)": f"{typical['median_lifetime_days']:.0f}",
}, name="the typical client").to_frame()

# %% [markdown]
# ## Recommendations
#
# Computed from the tables above by `churn.recommendations`: each sentence appears only when the test behind
# it is significant after the correction and points its way (or, for the data, when a fault was counted),
# and quotes the numbers it rests on.

# %%
for number, sentence in enumerate(churn.recommendations(results, typical, quality), start=1):
    print(f"{number}. {sentence}")
