"""The analysis methods (parebrick.analyses.methods) on synthetic data with planted effects, Erlang C against
the textbook formula, and one check on the sample warehouse: the team test finds the AHT gap the simulation
planted between two services' teams."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from parebrick.analyses import methods
from parebrick.erlang import erlang_c, required_agents
from parebrick.generate.params import SimParams


def textbook_erlang_c(agents: int, load: float) -> float:
    """Erlang C by its factorial sums: (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))."""
    top = load ** agents / math.factorial(agents) * agents / (agents - load)
    return top / (sum(load ** k / math.factorial(k) for k in range(agents)) + top)


def textbook_service_level(agents: int, rate: float, aht: float, threshold: float) -> float:
    load = rate * aht
    if agents <= load:
        return 0.0
    return 1.0 - textbook_erlang_c(agents, load) * math.exp(-(agents - load) * threshold / aht)


@pytest.mark.parametrize(("agents", "load"), [(1, 0.5), (3, 2.0), (7, 5.5), (12, 10.0), (25, 21.7)])
def test_erlang_c_is_the_textbook_formula(agents, load):
    assert erlang_c(np.array([agents]), np.array([load]))[0] == pytest.approx(textbook_erlang_c(agents, load),
                                                                                rel=1e-9)


def test_erlang_c_is_one_when_overloaded():
    assert erlang_c(np.array([4, 4]), np.array([4.0, 6.5])).tolist() == [1.0, 1.0]


@pytest.mark.parametrize(("calls", "aht", "threshold", "target"),
                         [(100, 180.0, 20.0, 0.8), (12, 300.0, 20.0, 0.8), (350, 240.0, 30.0, 0.9), (3, 600.0, 60.0, 0.8)])
def test_required_agents_is_the_fewest_reaching_the_target(calls, aht, threshold, target):
    rate = calls / 1800.0
    expected = next(n for n in range(1, 500) if textbook_service_level(n, rate, aht, threshold) >= target)
    got = required_agents(np.array([rate]), np.array([aht]), np.array([threshold]), target)[0]
    assert got == expected
    assert methods.required_agents_for_load([calls], [aht], threshold, target * 100)[0] == expected


def test_required_agents_for_load_is_zero_without_contacts_and_unknown_without_aht():
    got = methods.required_agents_for_load([0, 10, 10], [np.nan, np.nan, 200.0], 20.0)
    assert got[0] == 0 and np.isnan(got[1]) and got[2] >= 2


def test_staffing_gap_flags_the_short_interval():
    frame = pd.DataFrame({"offered": [100, 100, 0], "aht_sec": [180.0, np.nan, np.nan],
                          "forecast_aht_sec": [180.0, 180.0, 180.0], "scheduled_agents": [20.0, 5.0, 2.0]})
    need = required_agents(np.array([100 / 1800.0]), np.array([180.0]), np.array([20.0]), 0.8)[0]
    out = methods.staffing_gap(frame, threshold_sec=20.0)
    assert out["required_agents_actual"].tolist() == [need, need, 0]
    assert out["staffing_gap"].tolist() == [20 - need, 5 - need, 2]
    assert out["is_understaffed"].tolist() == [False, True, False]
    assert out["actual_load_erlangs"].iloc[0] == pytest.approx(10.0)


def test_wape_and_bias_by_hand():
    actual = [10, 20, 30, 0]
    forecast = [12, 15, 30, 3]
    # |−2| + |5| + 0 + |−3| = 10 over 60 came; (−2 + 5 + 0 − 3) = 0: no bias though every error is nonzero
    assert methods.wape_pct(actual, forecast) == pytest.approx(100 * 10 / 60)
    assert methods.bias_pct(actual, forecast) == pytest.approx(0.0)
    assert methods.bias_pct([10, 10], [8, 7]) == pytest.approx(100 * 5 / 20)   # more came: positive
    assert methods.bias_pct([10, 10], [12, 13]) == pytest.approx(-100 * 5 / 20)


def test_wape_skips_missing_forecasts_and_is_nan_when_nothing_came():
    assert methods.wape_pct([10, 50], [12, np.nan]) == pytest.approx(20.0)
    assert math.isnan(methods.wape_pct([0, 0], [1, 2]))


def test_forecast_accuracy_per_group():
    frame = pd.DataFrame({"service_code": ["a", "a", "b", "b"], "offered": [10, 30, 5, 5],
                          "forecast_offered": [20, 30, 5, np.nan]})
    out = methods.forecast_accuracy(frame, "service_code").set_index("service_code")
    assert out.loc["a", "wape_pct"] == pytest.approx(25.0)
    assert out.loc["a", "bias_pct"] == pytest.approx(-25.0)
    assert out.loc["b", "intervals"] == 1 and out.loc["b", "wape_pct"] == 0.0


def daily(values: np.ndarray, start: str = "2025-01-06") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D").date)


def weekly_series(days: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    weekday = np.arange(days) % 7
    level = np.where(weekday >= 5, 0.62, 1.0) * 20_000
    return level * rng.lognormal(0.0, 0.04, days)


def test_planted_spike_is_the_only_flag():
    values = weekly_series(28, seed=1)
    values[17] *= 1.6
    flags = methods.daily_anomalies(daily(values))
    assert flags["is_anomaly"].to_numpy().nonzero()[0].tolist() == [17]
    assert flags["robust_z"].iloc[17] > 3.5


def test_planted_drop_on_a_weekend_is_flagged_against_weekends():
    values = weekly_series(28, seed=2)
    values[13] *= 0.5    # a Sunday at half its usual level: low, yet still not below every weekday
    flags = methods.daily_anomalies(daily(values))
    assert flags["is_anomaly"].to_numpy().nonzero()[0].tolist() == [13]
    assert flags["robust_z"].iloc[13] < -3.5


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_noisy_weekly_series_has_no_flag(seed):
    flags = methods.daily_anomalies(daily(weekly_series(35, seed=seed)))
    assert not flags["is_anomaly"].any()
    # while without the weekly baseline the weekends would all look like drops
    assert (methods.robust_z(weekly_series(35, seed=seed)) < -3.5).sum() == 10


def test_few_days_get_no_flags():
    flags = methods.daily_anomalies(daily(np.array([100.0, 500.0, 100.0, 100.0])))
    assert not flags["is_anomaly"].any()
    assert flags["robust_z"].isna().all()


def test_robust_z_ignores_the_outlier_in_its_scale():
    x = np.array([10.0, 11, 9, 10, 12, 8, 10, 1000])
    z = methods.robust_z(x)
    assert z[-1] > 100 and np.all(np.abs(z[:-1]) < 3)
    assert np.isnan(methods.robust_z([5.0, 5, 5, 6])).all()


def test_team_test_finds_a_planted_shift_with_its_sign_and_size():
    rng = np.random.default_rng(7)
    a = rng.gamma(9.0, 30.0, 400) + 60.0          # the same shape, 60 s longer
    b = rng.gamma(9.0, 30.0, 500)
    result = methods.compare_teams(a, b)
    assert result.p_value < 1e-6
    assert result.shift == pytest.approx(60.0, abs=12.0)
    assert 0.2 < result.rank_biserial < 0.5
    # the direct definition of Cliff's delta
    cliff = (np.sign(np.subtract.outer(a, b))).mean()
    assert result.rank_biserial == pytest.approx(cliff, abs=1e-9)
    flipped = methods.compare_teams(b, a)
    assert flipped.rank_biserial == pytest.approx(-result.rank_biserial)
    assert flipped.shift == pytest.approx(-result.shift, abs=1.0)


def test_team_test_does_not_reject_samples_of_one_distribution():
    rng = np.random.default_rng(11)
    result = methods.compare_teams(rng.gamma(9.0, 30.0, 300), rng.gamma(9.0, 30.0, 300))
    assert result.p_value > 0.05
    assert result.magnitude == "negligible"


def test_kruskal_across_teams():
    rng = np.random.default_rng(5)
    same = {t: rng.normal(300, 40, 80) for t in "abcd"}
    assert methods.compare_groups(same).p_value > 0.05
    shifted = dict(same, e=rng.normal(380, 40, 80))
    result = methods.compare_groups(shifted)
    assert result.p_value < 1e-6 and result.groups == 5 and 0.1 < result.epsilon_squared < 1


def test_percentiles_and_ecdf():
    frame = pd.DataFrame({"service_code": ["a"] * 101 + ["b"] * 3, "queue_time_sec": list(range(101)) + [1, 2, np.nan]})
    out = methods.percentiles(frame, "queue_time_sec", "service_code").set_index("service_code")
    assert out.loc["a", ["p50", "p80", "p90", "p95"]].tolist() == [50, 80, 90, 95]
    assert out.loc["b", "n"] == 2
    x, y = methods.ecdf([3.0, 1.0, 2.0, np.nan])
    assert x.tolist() == [1, 2, 3] and y.tolist() == pytest.approx([1 / 3, 2 / 3, 1])


def test_team_test_finds_the_planted_aht_gap_in_the_sample(sample_warehouse):
    """The simulation gives tech_l2 a mean talk time far above b2c_support's (generate/params.py); the
    operator-day AHT of their teams, from the published view, must show it with a large effect."""
    talk = SimParams().talk_mean_sec
    slow, fast = "tech_l2", "b2c_support"
    assert talk[slow] > talk[fast]
    _, rows = sample_warehouse.rows(
        "select service_code, aht_sec from views.v_operator_daily where aht_sec is not null and handled >= 5"
        f" and service_code in ('{slow}', '{fast}')")
    frame = pd.DataFrame(rows, columns=["service_code", "aht_sec"])
    result = methods.compare_teams(frame.loc[frame.service_code == slow, "aht_sec"],
                                   frame.loc[frame.service_code == fast, "aht_sec"])
    assert result.p_value < 0.001
    assert result.rank_biserial > 0.474 and result.magnitude == "large"
    assert result.shift == pytest.approx(talk[slow] - talk[fast], rel=0.35)
