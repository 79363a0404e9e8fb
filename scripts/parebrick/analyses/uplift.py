"""The campaign notebook's formulas (seed 003): the two-proportion uplift, the Qini curve and its coefficient.

Written here rather than taken from an uplift library: the few formulas fit on a page, and the libraries that
once offered them are no longer maintained. The uplift, its interval and p-value are defined once, in SQL
(macros/metrics/mkt.sql, docs `metric_mkt_uplift_pp`, `metric_mkt_uplift_ci`, `metric_mkt_p_value`): the
notebook shows the view's numbers, and `two_proportions` only recomputes them from the members to check the
view and to draw. The Qini curve has no SQL counterpart: it needs the members in priority order.

**Qini curve** of a campaign whose members are ranked by priority (1 = contact first): after the first k
members, Q(k) = T_conv(k) − C_conv(k) · N_T(k) / N_C(k), the target group's conversions among them less what
the control group's rate among them predicts for as many target members: the incremental conversions of
targeting those k (the control term is 0 while no control member is among them). Members with equal priority
are taken together, so the curve has a point only where a block of ties ends. Q(N) over all members is the
campaign's incremental conversions, N_T × its uplift. Targeting at random would gain in proportion to the
members targeted: the **random line** x · Q(N), x = k / N the share of members targeted.

**Qini coefficient**: the area between the curve and the random line over x from 0 to 1 (trapezoids),
divided by the campaign's target members N_T and given in percentage points. With that scale the curve ends
at the campaign's uplift in points, and the coefficient is the mean gain of targeting by priority over
targeting at random, per target member, over every depth of targeting: 0 for a ranking no better than chance,
positive when the members with the larger uplift come first, negative when they come last. It stays finite
when the campaign has no effect (Q(N) ≈ 0), where a coefficient normalised by Q(N) would not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z_95 = 1.96                      # METRICS.md fixes the interval at 95 % (macro mkt_z_95)


@dataclass(frozen=True)
class TwoProportions:
    """The uplift of target over control in points, its 95 % Wald interval and the pooled z-test's p-value;
    NaN where the SQL gives NULL (an empty group; the p-value also when nobody, or everybody, converted)."""

    uplift_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float


def two_proportions(x_t: int, n_t: int, x_c: int, n_c: int) -> TwoProportions:
    """docs metric_mkt_uplift_pp, metric_mkt_uplift_ci, metric_mkt_p_value, from the groups' counts."""
    if n_t == 0 or n_c == 0:
        return TwoProportions(math.nan, math.nan, math.nan, math.nan)
    p_t, p_c = x_t / n_t, x_c / n_c
    uplift = 100 * (p_t - p_c)
    half = Z_95 * 100 * math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    pooled = (x_t + x_c) / (n_t + n_c)
    null_variance = pooled * (1 - pooled) * (1 / n_t + 1 / n_c)
    p_value = math.erfc(abs(p_t - p_c) / math.sqrt(null_variance) / math.sqrt(2)) if null_variance > 0 else math.nan
    return TwoProportions(uplift, uplift - half, uplift + half, p_value)


def group_counts(members: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Members and converted members of each group per `by` (v_mkt_campaign_members' columns), in the
    results view's column names: target_members, control_members, target_converted, control_converted."""
    counts = members.pivot_table(index=by, columns="member_group", values="is_converted",
                                 aggfunc=["size", "sum"], fill_value=0, observed=True)
    out = pd.DataFrame(index=counts.index)
    for group in ("target", "control"):
        out[f"{group}_members"] = counts["size"].get(group, 0)
        out[f"{group}_converted"] = counts["sum"].get(group, 0)
    return out.astype("int64").reset_index()


def uplift_table(counts: pd.DataFrame) -> pd.DataFrame:
    """`two_proportions` on every row of a frame of counts (as `group_counts` returns), beside them."""
    found = [two_proportions(int(r.target_converted), int(r.target_members), int(r.control_converted),
                             int(r.control_members)) for r in counts.itertuples()]
    return counts.assign(uplift_pp=[f.uplift_pp for f in found], uplift_ci_low_pp=[f.ci_low_pp for f in found],
                         uplift_ci_high_pp=[f.ci_high_pp for f in found], p_value=[f.p_value for f in found])


def qini_curve(priority: np.ndarray | pd.Series, is_target: np.ndarray | pd.Series,
               is_converted: np.ndarray | pd.Series) -> pd.DataFrame:
    """The Qini curve of one campaign's members (module docstring), from (0, 0) to all members.

    Columns: members (k), share (k / N), target, control (N_T(k), N_C(k)), target_converted,
    control_converted, qini (Q(k), incremental conversions), random (x · Q(N)).
    """
    return pd.DataFrame(_qini_points(np.asarray(priority), np.asarray(is_target, dtype=bool),
                                     np.asarray(is_converted, dtype=bool)))


def _qini_points(priority: np.ndarray, target: np.ndarray, converted: np.ndarray) -> dict[str, np.ndarray]:
    """The curve's columns as arrays: one point per block of equal priority (the order inside a block is not
    the ranking's), after the point (0, 0)."""
    order = np.argsort(priority, kind="stable")
    ranked, t, y = priority[order], target[order], converted[order]
    ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True]) if len(ranked) else np.array([], dtype=int)

    def cumulative(flags: np.ndarray) -> np.ndarray:
        return np.r_[0, np.cumsum(flags, dtype=np.int64)[ends]]

    n_t, n_c = cumulative(t), cumulative(~t)
    x_t, x_c = cumulative(t & y), cumulative(~t & y)
    members = n_t + n_c
    share = members / members[-1] if members[-1] else np.zeros(len(members))
    expected = np.divide(x_c * n_t, n_c, out=np.zeros(len(n_c)), where=n_c > 0)
    qini = x_t - expected
    return {"members": members, "share": share, "target": n_t, "control": n_c, "target_converted": x_t,
            "control_converted": x_c, "qini": qini, "random": share * qini[-1]}


def qini_coefficient(curve: pd.DataFrame | dict[str, np.ndarray]) -> float:
    """The area between `curve` and its random line over the share targeted, per target member, in points
    (module docstring); NaN without target members."""
    n_target = int(np.asarray(curve["target"])[-1])
    if n_target == 0:
        return math.nan
    gain = np.asarray(curve["qini"], dtype=float) - np.asarray(curve["random"], dtype=float)
    return 100 * float(np.trapezoid(gain, np.asarray(curve["share"], dtype=float))) / n_target


@dataclass(frozen=True)
class QiniTest:
    """A campaign's Qini coefficient against rankings drawn at random (`qini_test`)."""

    coefficient: float
    p_value: float               # one-sided: the share of random rankings doing at least as well
    null_low: float              # the central 95 % of the random rankings' coefficients
    null_high: float


def qini_test(priority: np.ndarray | pd.Series, is_target: np.ndarray | pd.Series,
              is_converted: np.ndarray | pd.Series, *, permutations: int = 1000, seed: int = 0) -> QiniTest:
    """H0: the priority ranks members no better than chance. The coefficient of `permutations` shuffles of
    the priorities (the groups and conversions kept) is its distribution under H0; p counts the observed
    ranking among them, so it is never 0."""
    priority = np.asarray(priority)
    target, converted = np.asarray(is_target, dtype=bool), np.asarray(is_converted, dtype=bool)
    # one canonical order of the members, so the shuffles (and p) do not depend on the order rows were read in
    canonical = np.lexsort((converted, target, priority))
    priority, target, converted = priority[canonical], target[canonical], converted[canonical]
    observed = qini_coefficient(_qini_points(priority, target, converted))
    rng = np.random.default_rng(seed)
    null = np.array([qini_coefficient(_qini_points(rng.permutation(priority), target, converted))
                     for _ in range(permutations)])
    low, high = np.quantile(null, [0.025, 0.975])
    return QiniTest(observed, float((1 + np.sum(null >= observed)) / (1 + permutations)), float(low), float(high))


def qini_by_campaign(members: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The Qini curve of every campaign of v_mkt_campaign_members, ranked by its members' priority."""
    return {campaign: qini_curve(own["priority"], own["member_group"] == "target", own["is_converted"])
            for campaign, own in members.groupby("campaign_id", sort=True)}


def depth_share(curve: pd.DataFrame, share: float) -> float:
    """The share of the campaign's incremental conversions Q(N) that the first `share` of members by
    priority hold, read off the curve (its last point at or below that share); NaN when Q(N) is not
    positive."""
    total = float(curve["qini"].iat[-1])
    if total <= 0:
        return math.nan
    reached = curve.loc[curve["share"] <= share + 1e-12, "qini"]
    return float(reached.iat[-1]) / total


def qini_table(members: pd.DataFrame, *, permutations: int = 1000, seed: int = 0,
               depth: float = 0.3) -> pd.DataFrame:
    """One row per campaign of v_mkt_campaign_members: its members, incremental contracts Q(N), uplift
    Q(N) / N_T in points, the Qini test (`qini_test`) and the share of Q(N) its first `depth` of members by
    priority hold (`depth_share`)."""
    rows = []
    for campaign, own in members.groupby("campaign_id", sort=True):
        is_target = own["member_group"] == "target"
        curve = qini_curve(own["priority"], is_target, own["is_converted"])
        test = qini_test(own["priority"], is_target, own["is_converted"], permutations=permutations, seed=seed)
        n_target = int(curve["target"].iat[-1])
        rows.append({"campaign_id": campaign, "members": int(curve["members"].iat[-1]),
                     "incremental_contracts": float(curve["qini"].iat[-1]),
                     "uplift_pp": 100 * float(curve["qini"].iat[-1]) / n_target if n_target else math.nan,
                     "qini_coefficient": test.coefficient, "p_value": test.p_value,
                     "random_low": test.null_low, "random_high": test.null_high,
                     "depth": depth, "depth_share": depth_share(curve, depth)})
    return pd.DataFrame(rows)
