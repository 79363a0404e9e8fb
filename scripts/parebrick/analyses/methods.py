"""The analysis methods the notebooks demonstrate, as tested functions.

Forecast accuracy (WAPE, bias), robust anomaly flags, a non-parametric comparison of teams with its effect
size, percentiles and the ECDF, and the staffing gap by Erlang C. A notebook calls these so that it stays a
narrative and the arithmetic is tested once, on planted effects (pytests/analyses/test_methods.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from parebrick.erlang import required_agents

PERCENTILES = (50, 80, 90, 95)
# MAD × 1.4826 estimates the standard deviation of normal data, so a robust z reads like a z-score.
MAD_TO_SD = 1.4826
# Thresholds on |Cliff's delta| (Romano et al. 2006): below the first the difference is negligible.
CLIFF_MAGNITUDES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"), (float("inf"), "large"))
INTERVAL_SEC = 1800  # the 30-minute reporting interval (docs/metrics.md, "Units and time")
# Pairwise differences for the Hodges–Lehmann shift are computed on at most this many of each sample.
_HL_MAX = 3000


def _paired(actual: Sequence[float], forecast: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Actual and forecast where a forecast exists (a missing forecast is no forecast, not a zero one)."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    keep = ~np.isnan(f) & ~np.isnan(a)
    return a[keep], f[keep]


def wape_pct(actual: Sequence[float], forecast: Sequence[float]) -> float:
    """Weighted absolute percentage error, 100 × Σ|actual − forecast| / Σ actual.

    Unlike the mean of interval errors it is not blown up by quiet intervals with one or two contacts:
    every contact weighs the same. NaN when nothing came.
    """
    a, f = _paired(actual, forecast)
    total = a.sum()
    return float(100.0 * np.abs(a - f).sum() / total) if total > 0 else float("nan")


def bias_pct(actual: Sequence[float], forecast: Sequence[float]) -> float:
    """Signed bias, 100 × Σ(actual − forecast) / Σ actual: positive when more came than was forecast.

    The sign follows the project's forecast error (metric_forecast_error_pct). NaN when nothing came.
    """
    a, f = _paired(actual, forecast)
    total = a.sum()
    return float(100.0 * (a - f).sum() / total) if total > 0 else float("nan")


def forecast_accuracy(frame: pd.DataFrame, by: str | Sequence[str], actual: str = "offered",
                      forecast: str = "forecast_offered") -> pd.DataFrame:
    """WAPE and bias per group of `by`, over the rows that have a forecast, with the totals they weigh."""
    rows = frame.loc[frame[forecast].notna()]
    keys = [by] if isinstance(by, str) else list(by)

    def one(group: pd.DataFrame) -> pd.Series:
        return pd.Series({"intervals": len(group), "actual": group[actual].sum(), "forecast": group[forecast].sum(),
                          "wape_pct": wape_pct(group[actual], group[forecast]),
                          "bias_pct": bias_pct(group[actual], group[forecast])})

    return rows.groupby(keys, observed=True)[[actual, forecast]].apply(one).reset_index()


def robust_z(values: Sequence[float]) -> np.ndarray:
    """(x − median) / (1.4826 × MAD): a z-score that a few outliers cannot hide by inflating the spread.

    NaN everywhere when the MAD is 0 (half the values are equal): no scale, so nothing to call unusual.
    """
    x = np.asarray(values, dtype=float)
    median = np.nanmedian(x)
    mad = np.nanmedian(np.abs(x - median))
    if not np.isfinite(mad) or mad == 0:
        return np.full(x.shape, np.nan)
    return (x - median) / (MAD_TO_SD * mad)


def _leave_one_out_median(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each value, the median of the other values of its group (NaN when it has no other)."""
    out = np.full(len(values), np.nan)
    for g in np.unique(groups):
        at = np.flatnonzero(groups == g)
        for i in at:
            others = values[at[at != i]]
            if len(others):
                out[i] = np.median(others)
    return out


def daily_anomalies(series: pd.Series, threshold: float = 3.5, period: int = 7, min_per_season: int = 3,
                    min_points: int = 5) -> pd.DataFrame:
    """Flags the days of a daily series (indexed by date) that are far from a robust weekly baseline.

    A day's baseline is the median of the *other* days of its day of week, so a quiet Sunday is not an
    anomaly and a spike does not raise its own baseline; weekdays are told apart only when every one has
    at least `min_per_season` days (a week or two has no weekly pattern to trust), else the baseline is the
    median of all other days. Each day's relative deviation from its baseline gets a robust z (median and
    MAD of the deviations), flagged beyond ±`threshold` (3.5, Iglewicz and Hoaglin). A series of fewer
    than `min_points` days gets no flags: a median of three days is no baseline.
    """
    values = series.astype(float).to_numpy()
    index = pd.DatetimeIndex(pd.to_datetime(series.index))
    season = np.asarray(index.day_of_week) % period
    counts = pd.Series(season).value_counts()
    seasonal = len(counts) == period and counts.min() >= min_per_season
    baseline = _leave_one_out_median(values, season if seasonal else np.zeros(len(values), dtype=int))
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = np.where(baseline > 0, values / baseline - 1.0, np.nan)
    z = robust_z(deviation) if len(values) >= min_points else np.full(len(values), np.nan)
    out = pd.DataFrame({"value": values, "baseline": baseline, "deviation_pct": 100.0 * deviation,
                        "robust_z": z}, index=series.index)
    out["is_anomaly"] = np.abs(out["robust_z"].fillna(0.0)) > threshold
    return out


def cliff_magnitude(delta: float) -> str:
    """The conventional reading of |Cliff's delta|: negligible, small, medium or large."""
    return next(label for bound, label in CLIFF_MAGNITUDES if abs(delta) < bound)


@dataclass(frozen=True)
class TeamComparison:
    """Mann–Whitney U of sample a against sample b, with effect sizes that say how much, not only whether."""

    n_a: int
    n_b: int
    median_a: float
    median_b: float
    shift: float            # Hodges–Lehmann: the median of all differences a − b, in the samples' unit
    u_statistic: float      # U of sample a
    p_value: float          # two-sided
    rank_biserial: float    # = Cliff's delta: P(a > b) − P(a < b), in [−1, 1]; positive when a is larger

    @property
    def magnitude(self) -> str:
        return cliff_magnitude(self.rank_biserial)


def hodges_lehmann_shift(a: np.ndarray, b: np.ndarray) -> float:
    """Median of the pairwise differences a − b (on evenly spaced order statistics of big samples)."""
    def thin(x: np.ndarray) -> np.ndarray:
        return np.sort(x)[np.linspace(0, len(x) - 1, _HL_MAX).astype(int)] if len(x) > _HL_MAX else x
    return float(np.median(np.subtract.outer(thin(a), thin(b))))


def compare_teams(a: Sequence[float], b: Sequence[float]) -> TeamComparison:
    """Two-sided Mann–Whitney U between two independent samples (e.g. operator-day AHT of two teams).

    Rank-based, so a few very long days do not decide it and no normality is assumed. The rank-biserial
    correlation 2U/(n_a·n_b) − 1 equals Cliff's delta: the chance a random day of a is above one of b,
    minus the reverse. NaN are dropped.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if len(x) == 0 or len(y) == 0:
        raise ValueError("both samples need at least one value")
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    u = float(result.statistic)
    return TeamComparison(n_a=len(x), n_b=len(y), median_a=float(np.median(x)), median_b=float(np.median(y)),
                          shift=hodges_lehmann_shift(x, y), u_statistic=u, p_value=float(result.pvalue),
                          rank_biserial=2.0 * u / (len(x) * len(y)) - 1.0)


@dataclass(frozen=True)
class GroupsComparison:
    """Kruskal–Wallis H across several independent samples, with epsilon squared as its effect size."""

    groups: int
    n: int
    h_statistic: float
    p_value: float
    epsilon_squared: float  # H / (n − 1): the share of rank variance between the groups, in [0, 1]


def compare_groups(samples: Mapping[str, Sequence[float]], min_size: int = 2) -> GroupsComparison:
    """Kruskal–Wallis across the samples with at least `min_size` values (NaN dropped): do any differ?"""
    kept = [np.asarray(v, dtype=float) for v in samples.values()]
    kept = [v[~np.isnan(v)] for v in kept]
    kept = [v for v in kept if len(v) >= min_size]
    if len(kept) < 2:
        raise ValueError("Kruskal–Wallis needs at least two samples")
    n = sum(len(v) for v in kept)
    h, p = stats.kruskal(*kept)
    return GroupsComparison(groups=len(kept), n=n, h_statistic=float(h), p_value=float(p),
                            epsilon_squared=float(h / (n - 1)))


def percentiles(frame: pd.DataFrame, value: str, by: str | Sequence[str],
                qs: Sequence[int] = PERCENTILES) -> pd.DataFrame:
    """Count, mean and the given percentiles of `value` per group (NaN values left out)."""
    keys = [by] if isinstance(by, str) else list(by)
    rows = frame.loc[frame[value].notna()]
    grouped = rows.groupby(keys, observed=True)[value]
    out = grouped.agg(n="count", mean="mean")
    for q in qs:
        out[f"p{q}"] = grouped.quantile(q / 100.0)
    return out.reset_index()


def ecdf(values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """The empirical distribution function: sorted values and the share at or below each."""
    x = np.asarray(values, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    return x, np.arange(1, len(x) + 1) / max(len(x), 1)


def required_agents_for_load(offered: Sequence[float], aht_sec: Sequence[float], threshold_sec: float | Sequence[float],
                             target_pct: float = 80.0, interval_sec: int = INTERVAL_SEC) -> np.ndarray:
    """Erlang C's fewest agents to answer `target_pct` % within `threshold_sec` of the given load.

    The load of an interval is offered / interval length × AHT (Erlangs). 0 where nothing was offered;
    NaN where contacts came but the AHT is unknown (nobody was handled and no fallback was given).
    """
    offered_ = np.asarray(offered, dtype=float)
    aht = np.asarray(aht_sec, dtype=float)
    threshold = np.broadcast_to(np.asarray(threshold_sec, dtype=float), offered_.shape)
    out = np.where(offered_ > 0, np.nan, 0.0)
    known = (offered_ > 0) & np.isfinite(aht) & (aht > 0) & np.isfinite(threshold)
    if known.any():
        out[known] = required_agents(offered_[known] / interval_sec, aht[known], threshold[known],
                                     target_pct / 100.0)
    return out


def staffing_gap(frame: pd.DataFrame, threshold_sec: float | Sequence[float], target_pct: float = 80.0,
                 interval_sec: int = INTERVAL_SEC) -> pd.DataFrame:
    """Per interval: agents Erlang C requires for the load that actually came, against the scheduled ones.

    Reads `offered`, `aht_sec` (falling back to `forecast_aht_sec` where nobody was handled) and
    `scheduled_agents`; adds `actual_load_erlangs`, `required_agents_actual`, `staffing_gap` (scheduled −
    required: negative is short) and `is_understaffed`.
    """
    out = frame.copy()
    aht = out["aht_sec"].astype(float)
    if "forecast_aht_sec" in out:
        aht = aht.fillna(out["forecast_aht_sec"].astype(float))
    out["actual_load_erlangs"] = out["offered"].astype(float) / interval_sec * aht
    out["required_agents_actual"] = required_agents_for_load(out["offered"], aht, threshold_sec, target_pct,
                                                             interval_sec)
    out["staffing_gap"] = out["scheduled_agents"].astype(float) - out["required_agents_actual"]
    out["is_understaffed"] = out["staffing_gap"] < 0
    return out
