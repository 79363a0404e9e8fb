"""The churn study's methods (seed 004): survival curves, the hypothesis tests and what follows from them.

Kaplan–Meier curves and log-rank tests (statsmodels' SurvfuncRight and survdiff), a log-rank test for trend
across ordered groups, a Poisson rate ratio of churn per company-month at risk, rank and mean comparisons of
churners against retained companies, Holm's correction, phik correlations, the portrait of the typical
client and recommendations computed from the test table. Every test returns one `HypothesisTest` row that
states its hypotheses, why the test fits and what it found, so the notebook's table is the tests' own
account, and a recommendation appears only when the row behind it says so
(pytests/analyses/test_churn_methods.py checks them on hand-computed cases and on the planted effects).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.rates import test_poisson_2indep

from parebrick.analyses.methods import compare_teams

ALPHA = 0.01                     # every test of the study; the correction keeps the family's error at it
OWNER_ROLE = "1"                 # dim_saas_roles: the user who registered the company
MANAGER_ROLE = "4"               # the role whose share among the other users is the role mix
ACTIVITY_COLUMNS = ("invoices", "stocks", "backups", "projects", "contractors", "resource_orders")
ACTIVITY_MONTHS = 3              # the months before churn (or the last months of a retained company) compared


@dataclass(frozen=True)
class HypothesisTest:
    """One row of the test table: what was asked, how, and what came out."""

    key: str                     # a stable id the recommendations look up
    name: str
    h0: str
    h1: str
    alpha: float
    test: str
    why: str
    statistic: float
    p_value: float
    effect: float                # in the unit `effect_name` says
    effect_name: str
    direction: str               # the effect's direction in words
    no_effect: float = 0.0       # the effect's value under H0 (1 for a ratio), the line its direction is read from
    p_adjusted: float = float("nan")
    significant: bool | None = None   # set by `correct` (Holm), on p_adjusted < alpha


# --- Kaplan–Meier and log-rank ---------------------------------------------------------------------------

def _survival_data(durations: Sequence[float], events: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    time = np.asarray(durations, dtype=float)
    status = np.asarray(events, dtype=float)
    keep = ~np.isnan(time) & ~np.isnan(status)
    return time[keep], status[keep]


def kaplan_meier(durations: Sequence[float], events: Sequence[bool]) -> pd.DataFrame:
    """The Kaplan–Meier survival function: at each event time, those at risk, the events, S(t) and its 95 %
    pointwise confidence band (Greenwood's standard error on the log-log scale, which keeps it in 0 … 1).
    `events` is True for an observed churn, False for censored."""
    time, status = _survival_data(durations, events)
    fit = SurvfuncRight(time, status)
    low, high = _loglog_band(fit.surv_prob, fit.surv_prob_se)
    return pd.DataFrame({"time": fit.surv_times, "at_risk": fit.n_risk, "events": fit.n_events,
                         "survival": fit.surv_prob, "ci_low": low, "ci_high": high})


def _loglog_band(survival: np.ndarray, se: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """exp(−exp(log(−log S) ± z·se / (S·|log S|))): undefined (NaN) where S is 0 or 1."""
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(survival)
        centre = np.log(-log_s)
        half = z * se / (survival * np.abs(log_s))
        band = np.exp(-np.exp(centre + half)), np.exp(-np.exp(centre - half))
    keep = (survival > 0) & (survival < 1)
    return np.where(keep, band[0], np.nan), np.where(keep, band[1], np.nan)


def kaplan_meier_by(frame: pd.DataFrame, duration: str, event: str, by: str, min_size: int = 1) -> pd.DataFrame:
    """`kaplan_meier` per group of `by` (groups with fewer than `min_size` rows left out), stacked, with the
    group's size and median survival (NaN while more than half survive)."""
    parts = []
    for group, rows in frame.dropna(subset=[duration, event, by]).groupby(by, observed=True, sort=True):
        if len(rows) < min_size:
            continue
        curve = kaplan_meier(rows[duration], rows[event].astype(bool))
        curve.insert(0, by, group)
        curve["n"] = len(rows)
        curve["median"] = median_survival(curve)
        parts.append(curve)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def median_survival(curve: pd.DataFrame) -> float:
    """The first time S(t) falls to 0.5 or below; NaN while it has not."""
    below = curve.loc[curve["survival"] <= 0.5, "time"]
    return float(below.iloc[0]) if len(below) else float("nan")


def logrank(durations: Sequence[float], events: Sequence[bool], groups: Sequence) -> tuple[float, float, int]:
    """The log-rank test that the groups' survival curves are equal: (χ², p, degrees of freedom)."""
    time, status = _survival_data(durations, events)
    group = np.asarray(groups)[~np.isnan(np.asarray(durations, dtype=float))]
    chi2, p = survdiff(time, status, group)
    return float(chi2), float(p), len(np.unique(group)) - 1


def observed_expected(durations: Sequence[float], events: Sequence[bool], groups: Sequence,
                      order: Sequence | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Per group: size, observed events O and the events E expected if every group shared one hazard, with
    the covariance matrix of O − E (the log-rank test's ingredients, in `order`).

    At each event time t with n at risk and d events, a group with n_g at risk expects d·n_g/n; the
    covariance of O_g − E_g and O_h − E_h adds d(n − d)/(n − 1) · n_g/n · (δ_gh − n_h/n).
    """
    time, status = _survival_data(durations, events)
    group = np.asarray(groups)[~np.isnan(np.asarray(durations, dtype=float))]
    levels = list(order) if order is not None else sorted(pd.unique(group))
    index = {g: i for i, g in enumerate(levels)}
    g = np.array([index[x] for x in group])
    k = len(levels)
    event_times = np.unique(time[status == 1])
    # at risk: time >= t; events: time == t and status
    at_risk = np.array([[np.sum((g == j) & (time >= t)) for j in range(k)] for t in event_times], dtype=float)
    deaths = np.array([[np.sum((g == j) & (time == t) & (status == 1)) for j in range(k)] for t in event_times],
                      dtype=float)
    n = at_risk.sum(axis=1)
    d = deaths.sum(axis=1)
    share = at_risk / n[:, None]
    expected = (d[:, None] * share).sum(axis=0)
    factor = np.where(n > 1, d * (n - d) / np.maximum(n - 1, 1), 0.0)
    cov = np.einsum("t,tg,th->gh", factor, share, -share)
    cov[np.diag_indices(k)] += (factor[:, None] * share).sum(axis=0)
    table = pd.DataFrame({"group": levels, "n": [int(np.sum(g == j)) for j in range(k)],
                          "observed": deaths.sum(axis=0), "expected": expected})
    table["observed_over_expected"] = table["observed"] / table["expected"]
    return table, cov


def logrank_trend(durations: Sequence[float], events: Sequence[bool], groups: Sequence,
                  order: Sequence, scores: Sequence[float] | None = None) -> tuple[float, float]:
    """The log-rank test for trend across ordered groups: z = Σ s_g(O_g − E_g) / √(sᵀVs), two-sided p.

    z < 0 when groups with higher scores have fewer events than a shared hazard predicts (here: larger
    companies churn less). Scores default to 1, 2, … in `order`.
    """
    table, cov = observed_expected(durations, events, groups, order)
    s = np.arange(1.0, len(order) + 1) if scores is None else np.asarray(scores, dtype=float)
    u = float(np.dot(s, table["observed"] - table["expected"]))
    z = u / math.sqrt(float(s @ cov @ s))
    return z, float(2 * stats.norm.sf(abs(z)))


# --- the hypothesis tests --------------------------------------------------------------------------------

def survival_frame(companies: pd.DataFrame) -> pd.DataFrame:
    """The companies that ever paid, with `churned` (an observed churn for good) beside their lifetime."""
    paid = companies.loc[companies["lifetime_days"].notna()].copy()
    paid["lifetime_days"] = paid["lifetime_days"].astype(float)
    paid["churned"] = ~paid["is_censored"].astype(bool)
    return paid


def test_lifetime_by(companies: pd.DataFrame, by: str, key: str, label: str, alpha: float = ALPHA) -> HypothesisTest:
    """Log-rank across the groups of `by`: do the lifetime curves differ? The effect is the spread of O/E
    (the highest group's observed-over-expected churn over the lowest's)."""
    paid = survival_frame(companies).dropna(subset=[by])
    chi2, p, df = logrank(paid["lifetime_days"], paid["churned"], paid[by].astype(str))
    table, _ = observed_expected(paid["lifetime_days"], paid["churned"], paid[by].astype(str))
    high = table.loc[table["observed_over_expected"].idxmax()]
    low = table.loc[table["observed_over_expected"].idxmin()]
    return HypothesisTest(
        key=key, name=f"Lifetime by {label}",
        h0=f"every {label} has the same survival curve (one churn hazard)",
        h1=f"some {label} churns at a different rate", alpha=alpha,
        test=f"log-rank χ² ({df} df)",
        why="lifetimes are right-censored (running subscriptions), so means of lifetimes would mislead; the "
            "log-rank test compares observed with expected churns at every churn time, using censored companies "
            "while they are at risk",
        statistic=chi2, p_value=p, effect=float(high["observed_over_expected"] / low["observed_over_expected"]),
        effect_name="O/E of the most churning group over the least churning", no_effect=1.0,
        direction=f"most churn: {high['group']} (O/E {high['observed_over_expected']:.2f}); least: "
                  f"{low['group']} (O/E {low['observed_over_expected']:.2f})")


def size_order(labels: Sequence[str]) -> list[str]:
    """Size-bucket labels (`1`, `2–4`, …, `200+`) from the smallest to the largest, by their lower bound."""
    return sorted(set(labels), key=lambda label: int(label.replace("+", "").replace("–", "-").split("-")[0]))


def test_size_trend(companies: pd.DataFrame, bucket_order: Sequence[str], alpha: float = ALPHA) -> HypothesisTest:
    """Log-rank test for trend over the size buckets in their order: do smaller companies churn more?"""
    paid = survival_frame(companies).dropna(subset=["size_bucket"])
    present = [b for b in bucket_order if b in set(paid["size_bucket"])]
    z, p = logrank_trend(paid["lifetime_days"], paid["churned"], paid["size_bucket"], present)
    return HypothesisTest(
        key="size_trend", name="Churn trend over company size",
        h0="the churn hazard does not change with the size bucket",
        h1="the hazard rises or falls with size", alpha=alpha,
        test="log-rank test for trend (scores 1…k in bucket order), z",
        why="the buckets are ordered, so one degree of freedom for a trend is far more powerful than the "
            "k − 1 of the plain log-rank test, and its sign says which way; censoring is handled as in the "
            "log-rank test",
        statistic=z, p_value=p, effect=z, effect_name="trend z (negative: larger companies churn less)",
        direction="smaller companies churn more" if z < 0 else "larger companies churn more")


def months_at_risk(company_months: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """Company-months split by the company's first renewal at a raised price: `after` is True from the month
    after that renewal's month on. Active months are the exposure, churn rows the events."""
    increase = companies.set_index("company_id")["price_increase_on"]
    months = company_months[["company_id", "report_month", "movement"]].copy()
    first = pd.to_datetime(months["company_id"].map(increase))
    months["after"] = first.notna() & (months["report_month"] > first.dt.to_period("M").dt.to_timestamp())
    months["is_churn"] = months["movement"].eq("churn")
    return months


def test_price_increase(company_months: pd.DataFrame, companies: pd.DataFrame, alpha: float = ALPHA
                        ) -> HypothesisTest:
    """Poisson rate ratio: churns per active company-month after a renewal at a raised price against the
    months before it or without one."""
    months = months_at_risk(company_months, companies)
    counts = months.groupby("after").agg(churns=("is_churn", "sum"), exposure=("is_churn", lambda s: (~s).sum()))
    after, before = counts.loc[True], counts.loc[False]
    result = test_poisson_2indep(int(after["churns"]), float(after["exposure"]), int(before["churns"]),
                                 float(before["exposure"]), method="score", compare="ratio")
    ratio = (after["churns"] / after["exposure"]) / (before["churns"] / before["exposure"])
    return HypothesisTest(
        key="price_increase", name="Churn after a price increase",
        h0="the churn rate per company-month is the same after a renewal at a raised price as before it or "
           "without one", h1="the rates differ", alpha=alpha,
        test="Poisson rate ratio, score test (statsmodels test_poisson_2indep)",
        why="churns are counts over different exposures (company-months at risk), and a company moves from "
            "'before' to 'after' at its raise, so comparing companies would mix in how long each was watched; "
            "a rate per month at risk compares like with like. Months of one company are not independent, "
            "so the p-value is optimistic: read it with the effect",
        statistic=float(result.statistic), p_value=float(result.pvalue), effect=float(ratio),
        effect_name=f"rate ratio after/before ({int(after['churns'])} churns in {int(after['exposure'])} "
                    f"months after, {int(before['churns'])} in {int(before['exposure'])} before or without)",
        no_effect=1.0,
        direction="more churn after a price increase" if ratio > 1 else "less churn after a price increase")


def activity_before_end(company_months: pd.DataFrame, companies: pd.DataFrame,
                        months: int = ACTIVITY_MONTHS) -> pd.DataFrame:
    """Per company that paid: its mean monthly activity (the six counts summed) over its last `months` months
    with activity counts before it churned for good, or before the as-of date if it is still a client.
    NULL counts (defects) leave a month out; `churned` tells the two groups apart."""
    paid = survival_frame(companies)[["company_id", "churned", "churned_on"]]
    rows = company_months.merge(paid, on="company_id")
    rows = rows.loc[rows["churned_on"].isna() | (rows["report_month"] < rows["churned_on"])]
    counts = rows[list(ACTIVITY_COLUMNS)].astype("Float64")
    rows = rows.assign(activity=counts.sum(axis=1, skipna=False)).dropna(subset=["activity"])
    last = rows.sort_values("report_month").groupby("company_id").tail(months)
    out = last.groupby("company_id").agg(activity=("activity", "mean"), churned=("churned", "first"))
    return out.reset_index()


def test_activity(company_months: pd.DataFrame, companies: pd.DataFrame, months: int = ACTIVITY_MONTHS,
                  alpha: float = ALPHA) -> HypothesisTest:
    """Mann–Whitney U: activity of churners in their last months against retained companies' last months."""
    per = activity_before_end(company_months, companies, months)
    result = compare_teams(per.loc[per["churned"], "activity"], per.loc[~per["churned"], "activity"])
    return HypothesisTest(
        key="activity", name=f"Activity in the last {months} months",
        h0=f"churners' activity in their last {months} months is distributed as retained companies' in theirs",
        h1="one group tends to be more active", alpha=alpha,
        test="Mann–Whitney U, two-sided, with Cliff's delta",
        why="activity counts are skewed (a few companies do hundreds of times more) and compared between two "
            "independent groups of companies: a rank test needs no normality and is not decided by the "
            "largest accounts; Cliff's delta says how much",
        statistic=result.u_statistic, p_value=result.p_value, effect=result.rank_biserial,
        effect_name=f"Cliff's delta churned − retained ({result.magnitude}; medians {result.median_a:.1f} "
                    f"vs {result.median_b:.1f} a month)",
        direction="churners were less active" if result.rank_biserial < 0 else "churners were more active")


def manager_share(roles: pd.DataFrame) -> pd.DataFrame:
    """Per company with non-owner active users: the share of managers among them, and how many there are."""
    others = roles.loc[roles["role_id"] != OWNER_ROLE]
    per = others.assign(managers=np.where(others["role_id"] == MANAGER_ROLE, others["users_active"], 0))
    per = per.groupby("company_id").agg(users=("users_active", "sum"), managers=("managers", "sum"))
    per = per.loc[per["users"] > 0]
    per["manager_share"] = per["managers"] / per["users"]
    return per.reset_index()


def test_role_mix(roles: pd.DataFrame, companies: pd.DataFrame, alpha: float = ALPHA) -> HypothesisTest:
    """Welch's t-test: the mean share of managers of churners against retained companies."""
    shares = manager_share(roles).merge(survival_frame(companies)[["company_id", "churned"]], on="company_id")
    a = shares.loc[shares["churned"], "manager_share"].to_numpy(float)
    b = shares.loc[~shares["churned"], "manager_share"].to_numpy(float)
    t, p = stats.ttest_ind(a, b, equal_var=False)
    diff = 100 * (a.mean() - b.mean())
    return HypothesisTest(
        key="role_mix", name="Share of managers among the users",
        h0="churners and retained companies have the same mean share of managers (role 4) among their "
           "non-owner users", h1="the means differ", alpha=alpha,
        test="Welch's t-test on the company's share",
        why="a company's share is k of its n users, and n grows with size, which drives churn: a small company's "
            "share is mostly 0 or 1, so rank tests or a median split would see the size effect in its shape. "
            "The share's mean is the role mix's whatever n is, so a test of means (unequal variances, thousands "
            "of companies) asks only about the mix",
        statistic=float(t), p_value=float(p), effect=float(diff),
        effect_name=f"difference in mean share, percentage points ({100 * a.mean():.1f} % vs {100 * b.mean():.1f} %)",
        direction="churners have more managers" if diff > 0 else "churners have fewer managers")


def correct(tests: Sequence[HypothesisTest], method: str = "holm") -> pd.DataFrame:
    """The test table with Holm-adjusted p-values (statsmodels multipletests) and the decision on them: the
    chance of any false finding among the family stays at each test's alpha."""
    rows = list(tests)
    alphas = {t.alpha for t in rows}
    if len(alphas) != 1:
        raise ValueError("one alpha for the family")
    alpha = alphas.pop()
    reject, adjusted, _, _ = multipletests([t.p_value for t in rows], alpha=alpha, method=method)
    done = [replace(t, p_adjusted=float(q), significant=bool(r)) for t, q, r in zip(rows, adjusted, reject)]
    return pd.DataFrame([asdict(t) for t in done])


# --- correlations, portrait, recommendations -------------------------------------------------------------

def churn_features(companies: pd.DataFrame, company_months: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """One row per company that paid: churned, its categories, users, on-time renewal, last months' activity
    and the share of managers: what `phik_correlations` relates."""
    paid = survival_frame(companies)
    activity = activity_before_end(company_months, companies)[["company_id", "activity"]]
    shares = manager_share(roles)[["company_id", "manager_share"]]
    frame = paid[["company_id", "churned", "industry", "size_bucket", "tariff_group", "had_price_increase",
                  "users_active", "on_time_renewal_pct"]].merge(activity, on="company_id", how="left")
    frame = frame.merge(shares, on="company_id", how="left")
    frame["users_active"] = frame["users_active"].astype(float)
    return frame.set_index("company_id")


INTERVAL_FEATURES = ("users_active", "on_time_renewal_pct", "activity", "manager_share")


def phik_correlations(features: pd.DataFrame, interval_cols: Sequence[str] = INTERVAL_FEATURES) -> pd.DataFrame:
    """The φK correlation matrix (0 … 1; it catches non-linear dependence and mixes categorical, ordinal and
    interval columns): interval columns are binned by phik, the others taken as categories."""
    import phik  # noqa: F401 - registers DataFrame.phik_matrix

    frame = features.copy()
    for column in frame.columns:
        if column not in interval_cols:
            frame[column] = frame[column].astype(str)
    present = [c for c in interval_cols if c in frame.columns]
    return frame.phik_matrix(interval_cols=present, verbose=False)


def portrait(companies: pd.DataFrame) -> dict[str, object]:
    """The typical client, over the companies that paid: median users, the modal tariff group and size bucket
    (with their shares), the mean on-time renewal % and the median lifetime (Kaplan–Meier)."""
    paid = survival_frame(companies)
    groups = paid["tariff_group"].value_counts(normalize=True)
    sizes = paid["size_bucket"].value_counts(normalize=True)
    industries = paid["industry"].value_counts(normalize=True)
    return {"companies": len(paid), "median_users": float(paid["users_active"].median()),
            "tariff_group": groups.index[0], "tariff_group_share_pct": 100 * float(groups.iloc[0]),
            "size_bucket": sizes.index[0], "size_bucket_share_pct": 100 * float(sizes.iloc[0]),
            "industry": industries.index[0], "industry_share_pct": 100 * float(industries.iloc[0]),
            "on_time_renewal_pct": float(paid["on_time_renewal_pct"].mean()),
            "median_lifetime_days": median_survival(kaplan_meier(paid["lifetime_days"], paid["churned"]))}


def recommendations(tests: pd.DataFrame, portrait_: Mapping[str, object],
                    data_quality: pd.DataFrame | None = None) -> list[str]:
    """Sentences that follow from the results: each appears only when the row behind it (a significant test
    in the given direction, a non-zero defect count) says so, and quotes the numbers it rests on."""
    found = {row["key"]: row for row in tests.to_dict("records")}
    out: list[str] = []

    def holds(key: str, positive: bool) -> dict | None:
        """The row of `key` when it is significant with its effect above (or below) no effect."""
        row = found.get(key)
        return row if row and row["significant"] and (row["effect"] > row["no_effect"]) == positive else None

    if data_quality is not None and len(data_quality):
        # v_saas_data_quality: only faults of the export (is_export_defect) call for a fix at the source; open
        # invoices and replaced versions are the routine the warehouse resolves.
        faults = data_quality.loc[data_quality["is_export_defect"].astype(bool) & (data_quality["rows"] > 0)]
        billing = faults.loc[faults["extract"] == "billing"]
        if len(billing):
            listed = "; ".join(f"{r.defect}: {int(r.rows):,} rows" for r in billing.itertuples())
            out.append(f"Put the billing data in order before anything else: {listed}. Record payments, partial "
                       "payments, upgrades and free months as fields of their own, not in comments.")
        other = faults.loc[faults["extract"] != "billing"]
        if len(other):
            listed = "; ".join(f"{r.extract} — {r.defect}: {int(r.rows):,} rows" for r in other.itertuples())
            out.append(f"Fix the other extracts' defects at the source: {listed}.")
    if row := holds("price_increase", positive=True):
        out.append(f"Churn per month is {row['effect']:.1f}× higher after a renewal at a raised price "
                   f"(p adj. {row['p_adjusted']:.1e}): announce raises ahead, offer the old price for a longer "
                   "prepaid period, and call the companies whose renewal is the first at the new price.")
    if row := holds("size_trend", positive=False):
        out.append(f"Smaller companies churn more (trend z = {row['effect']:.1f}, p adj. {row['p_adjusted']:.1e}), "
                   f"and the typical client is small ({portrait_['size_bucket']} employees, "
                   f"{portrait_['size_bucket_share_pct']:.0f} % of paying companies; median "
                   f"{portrait_['median_users']:.0f} users): build a retention offer for small businesses.")
    if row := holds("activity", positive=False):
        out.append(f"Churners were less active in their last months (Cliff's delta {row['effect']:.2f}, p adj. "
                   f"{row['p_adjusted']:.1e}): watch each company's monthly activity and reach out when it "
                   "falls (onboarding, training, the features it does not use).")
    if (row := found.get("industry")) and row["significant"]:
        out.append(f"Lifetimes differ by industry ({row['direction']}; p adj. {row['p_adjusted']:.1e}): "
                   "look at what the most churning industries need from the product.")
    if (row := found.get("tariff_group")) and row["significant"]:
        out.append(f"Lifetimes differ by tariff group ({row['direction']}; p adj. {row['p_adjusted']:.1e}): "
                   "help each client to the group that fits it, and win more clients like the least churning "
                   "group's.")
    if (row := found.get("role_mix")) and row["significant"] is False:
        out.append(f"The share of managers among the users does not tell churners apart (p adj. "
                   f"{row['p_adjusted']:.2f}): no action on the role mix.")
    return out
