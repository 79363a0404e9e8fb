"""The scorecard (v_cc_scorecard_monthly) against a recomputation from other published views, and its CLI.

The recomputation never reads the scorecard's own models: operator-side parts come from v_operator_daily
(one row per operator and day, with the day's team, service and territory), the service level from
v_cc_service_daily and v_cc_national_daily, and the scores from the targets seed's CSV with the rule of
docs/metrics.md written again in pandas. Counts must match exactly, rates and scores to 0.01.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import REPO, Warehouse

from parebrick.analyses import read_view
from parebrick.cli import main

pytestmark = pytest.mark.slow

TOLERANCE = 0.01
SCORECARD = "v_cc_scorecard_monthly"
OPERATOR_PARTS = ["handled", "handle_time_sec", "busy_sec", "scheduled_sec"]
QUEUE_PARTS = ["offered", "short_abandoned", "handled_within_sl"]
# component (as the seed names it) → (value column, score column) of the view
COMPONENTS = {
    "handled": ("handled_per_hour", "handled_score"),
    "aht_sec": ("aht_sec", "aht_score"),
    "fcr_pct": ("fcr_pct", "fcr_score"),
    "occupancy_pct": ("occupancy_pct", "occupancy_score"),
    "service_level_pct": ("service_level_pct", "service_level_score"),
    "csat_avg": ("csat_avg", "csat_score"),
}
OWN_TARGET_LEVELS = ("operator", "team", "service_territory")


@pytest.fixture(scope="module")
def views(sample_warehouse: Warehouse) -> dict[str, pd.DataFrame]:
    """The published views the checks read, from the session's sample warehouse."""
    mp = pytest.MonkeyPatch()
    _point_at(mp, sample_warehouse)
    try:
        frames = {name: read_view(name, target=sample_warehouse.target) for name in
                  (SCORECARD, "v_operator_daily", "v_cc_service_daily", "v_cc_national_daily")}
    finally:
        mp.undo()
    for frame in frames.values():
        for column in ("report_date", "report_month"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
    daily = frames["v_operator_daily"]
    daily["report_month"] = daily["report_date"].dt.to_period("M").dt.to_timestamp()
    daily["busy_sec"] = daily["talk_sec"] + daily["hold_sec"] + daily["work_sec"]
    daily["handle_time_sec"] = daily["busy_sec"]
    return frames


def _point_at(mp: pytest.MonkeyPatch, warehouse: Warehouse) -> None:
    """read_view and the CLI read the sample warehouse through the project's own profile."""
    mp.delenv("DBT_PROFILES_DIR", raising=False)
    mp.setenv("PAREBRICK_PROJECT_DIR", str(REPO))
    for key, value in warehouse.env.items():
        mp.setenv(key, value)


def _level(card: pd.DataFrame, level: str, key: list[str]) -> pd.DataFrame:
    rows = card[card["level"] == level].copy()
    return rows.set_index(key).sort_index()


def _rates(parts: pd.DataFrame) -> pd.DataFrame:
    """The operator-side rates of docs/metrics.md from summed parts (NaN where the denominator is 0)."""
    out = pd.DataFrame(index=parts.index)
    out["aht_sec"] = parts["handle_time_sec"] / parts["handled"].where(parts["handled"] != 0)
    out["occupancy_pct"] = 100 * parts["busy_sec"] / parts["scheduled_sec"].where(parts["scheduled_sec"] != 0)
    out["handled_per_hour"] = 3600 * parts["handled"] / parts["scheduled_sec"].where(parts["scheduled_sec"] != 0)
    return out


def _assert_level(card: pd.DataFrame, expected: pd.DataFrame, columns_exact: list[str],
                  columns_close: list[str]) -> None:
    assert sorted(card.index) == sorted(expected.index)
    expected = expected.loc[card.index]
    for column in columns_exact:
        assert (card[column].astype("int64") == expected[column].astype("int64")).all(), column
    for column in columns_close:
        got, want = card[column].astype(float), expected[column].astype(float)
        assert (got.isna() == want.isna()).all(), column
        assert np.allclose(got[got.notna()], want[want.notna()], atol=TOLERANCE, rtol=0), column


def test_operator_side_equals_the_operator_daily_view(views: dict[str, pd.DataFrame]) -> None:
    card, daily = views[SCORECARD], views["v_operator_daily"]
    daily = daily[daily["team"].notna()]
    assert not card.empty and not daily.empty
    for level, key in (("operator", ["report_month", "operator_login", "team"]),
                       ("team", ["report_month", "team"]),
                       ("center", ["report_month"])):
        expected = daily.groupby(key)[OPERATOR_PARTS].sum()
        expected = expected.join(_rates(expected))
        got = _level(card, level, ["report_month", "member", "parent"] if level == "operator" else
                     ["report_month", "member"] if level == "team" else ["report_month"])
        got.index.names = key
        _assert_level(got, expected, OPERATOR_PARTS, ["aht_sec", "occupancy_pct", "handled_per_hour"])


def test_service_level_equals_the_service_and_national_views(views: dict[str, pd.DataFrame]) -> None:
    card = views[SCORECARD]
    for frame, level, key in ((views["v_cc_service_daily"], "service_territory", ["report_month", "member"]),
                              (views["v_cc_national_daily"], "center", ["report_month"])):
        frame = frame.assign(report_month=frame["report_date"].dt.to_period("M").dt.to_timestamp())
        if level == "service_territory":
            frame = frame.assign(member=frame["service_code"] + "/" + frame["territory_code"])
        expected = frame.groupby(key)[QUEUE_PARTS].sum()
        denominator = expected["offered"] - expected["short_abandoned"]
        expected["service_level_pct"] = 100 * expected["handled_within_sl"] / denominator.where(denominator != 0)
        got = _level(card, level, key)
        # a service × territory whose operators worked but whose queues received nothing holds zeros
        idle = got.index.difference(expected.index)
        assert (got.loc[idle, QUEUE_PARTS] == 0).all().all()
        _assert_level(got.loc[expected.index], expected, QUEUE_PARTS, ["service_level_pct"])


def test_scores_follow_the_targets_seed(views: dict[str, pd.DataFrame], repo: Path) -> None:
    card = views[SCORECARD]
    seed = pd.read_csv(repo / "seeds" / "dim" / "dim_scorecard_targets.csv")
    targets = seed.set_index(["component", "service_code"])
    weighted = pd.Series(0.0, index=card.index)
    weights = pd.Series(0.0, index=card.index)
    for component, (value, score) in COMPONENTS.items():
        key = card["service_code"].where(card["level"].isin(OWN_TARGET_LEVELS), "*")
        own = key.map(lambda service, c=component: (c, service) in targets.index)
        chosen = [(component, s if has else "*") for s, has in zip(key, own)]
        floor = np.array([targets.loc[k, "floor"] for k in chosen])
        target = np.array([targets.loc[k, "target"] for k in chosen])
        weight = np.array([targets.loc[k, "weight"] for k in chosen])
        expected = (100 * (card[value].astype(float) - floor) / (target - floor)).clip(0, 100)
        got = card[score].astype(float)
        assert (got.isna() == expected.isna()).all(), score
        assert np.allclose(got[got.notna()], expected[expected.notna()], atol=TOLERANCE, rtol=0), score
        weighted += (expected * weight).fillna(0)
        weights += np.where(expected.notna(), weight, 0)
    integral = (weighted / weights.where(weights != 0)).astype(float)
    got = card["integral_score"].astype(float)
    assert (got.isna() == integral.isna()).all()
    assert np.allclose(got[got.notna()], integral[integral.notna()], atol=TOLERANCE, rtol=0)
    # the demo targets must leave room on both sides: some component scores are neither 0 nor 100
    assert ((card["aht_score"] > 0) & (card["aht_score"] < 100)).any()


def test_cli_prints_the_card_of_a_member(views: dict[str, pd.DataFrame], sample_warehouse: Warehouse,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    card = views[SCORECARD]
    latest = card["report_month"].max()
    teams = card[(card["level"] == "team") & (card["report_month"] == latest)]
    row = teams.sort_values(["handled", "member"], ascending=[False, True]).iloc[0]
    _point_at(monkeypatch, sample_warehouse)
    assert main(["scorecard", "--level", "team", "--member", row["member"], "--target",
                 sample_warehouse.target]) == 0
    out = capsys.readouterr().out
    assert f"team {row['member']} — {latest:%Y-%m}" in out
    assert f"parent: {row['parent']}" in out
    assert f"{row['aht_sec']:.0f}" in _line(out, "AHT, s")
    assert _line(out, "AHT, s").split()[-1] == f"{row['aht_score']:.0f}"
    assert _line(out, "Integral score").split()[-1] == f"{row['integral_score']:.0f}"
    assert _line(out, "Service level, %").split()[-2:] == ["n/a", "n/a"]
    assert out.count("╭") == 1


def test_cli_says_in_one_line_that_a_level_is_unknown(sample_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    _point_at(monkeypatch, sample_warehouse)
    assert main(["scorecard", "--level", "division", "--target", sample_warehouse.target]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith("error: no level 'division'") and "operator, team, service_territory" in out
    assert len(out.splitlines()) == 1
    assert main(["scorecard", "--level", "team", "--month", "2025-1", "--target", sample_warehouse.target]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 1


def _line(out: str, label: str) -> str:
    """The card's line of one component (the box's border characters stripped)."""
    return next(line for line in out.splitlines() if label in line).strip("│ ")
