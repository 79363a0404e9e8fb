"""Funnel ground truth (v_appeal_funnel_monthly): columns, internal consistency, FCR window edge, NULL rates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parebrick.generate import RunSpec, SimParams
from parebrick.generate.crm import FCR_WINDOW_SEC
from parebrick.generate.customers import Accounts
from parebrick.generate.funnel import FUNNEL_COLUMNS, Funnel
from parebrick.generate.simulation import Simulation

SPEC = dict(start_date=dt.date(2025, 1, 24), days=10, calls_per_day=2500, seed=3)   # as conftest.RUN10


@pytest.fixture(scope="module")
def run(run10) -> tuple[Path, dict, pd.DataFrame]:
    out, manifest = run10
    frame = pd.read_csv(out / "truth" / "v_appeal_funnel_monthly.csv", dtype={"report_month": str})
    return out, manifest, frame


def test_columns_and_grain(run):
    out, manifest, f = run
    assert list(f.columns) == list(FUNNEL_COLUMNS)
    assert set(f["report_month"]) == {"2025-01", "2025-02"}
    assert not f.duplicated(["report_month", "territory_code", "product_code", "service_code"]).any()
    assert manifest["truth"]["v_appeal_funnel_monthly"] == "truth/v_appeal_funnel_monthly.csv"
    readme = (out / "truth" / "README.md").read_text(encoding="utf-8")
    for col in FUNNEL_COLUMNS:
        assert f"`{col}`" in readme, col


def test_consistency(run):
    f = run[2]
    assert (f["appeals"] >= 1).all()
    assert (f["appealing_customers"] <= f["appeals"]).all() and (f["appealing_customers"] >= 1).all()
    assert (f["handled"] <= f["appeals"]).all()
    assert (f["resolved"] <= f["appeals"]).all()
    assert (f["resolved_first_contact"] <= f["resolved"]).all()
    fcr = f["fcr_pct"].dropna()
    assert ((fcr >= 0) & (fcr <= 100)).all()
    assert f["fcr_pct"].isna().equals(f["resolved"] == 0)
    assert f["appeals_per_1000_subscribers"].isna().equals(f["active_subscribers"] == 0)
    has = f["resolved"] > 0
    expect = (100 * f.loc[has, "resolved_first_contact"] / f.loc[has, "resolved"]).round(6)
    assert np.allclose(f.loc[has, "fcr_pct"], expect)
    # Active subscribers belong to territory x product: equal on every service row of the pair.
    assert (f.groupby(["report_month", "territory_code", "product_code"])["active_subscribers"].nunique() == 1).all()


def test_fcr_below_100_and_handled_mix(run):
    f = run[2]
    total = f[["appeals", "handled", "resolved", "resolved_first_contact"]].sum()
    fcr = 100 * total["resolved_first_contact"] / total["resolved"]
    assert 70 < fcr < 97, fcr
    assert 0.6 < total["handled"] / total["appeals"] < 0.97     # email/office/web and unmatched calls are not


def test_repeats_exercise_the_window_edge(tmp_path):
    """The simulation plants repeats just inside and just outside the 7-day window."""
    sim = Simulation(RunSpec(out=tmp_path, **SPEC), SimParams())
    for _ in sim.days():
        pass
    a = sim.funnel.appeals()
    gap = a["gap_to_next_sec"]
    inside = ((gap > FCR_WINDOW_SEC - 3600) & (gap <= FCR_WINDOW_SEC)).sum()
    outside = ((gap > FCR_WINDOW_SEC) & (gap <= FCR_WINDOW_SEC + 3600)).sum()
    assert inside >= 5 and outside >= 5, (inside, outside)
    assert a.loc[gap > FCR_WINDOW_SEC, "repeat_within_window"].eq(False).all()
    assert a.loc[(gap >= 0) & (gap <= FCR_WINDOW_SEC), "repeat_within_window"].all()
    assert set(a["channel"]) == {"call", "chat", "email", "office", "web"}


def test_rates_null_when_denominators_are_zero():
    """A customer outside the active base and an unresolved appeal: both rates NULL, counts still there."""
    territories = pd.DataFrame({"territory_code": ["AAA"], "utc_offset_hours": [7]})
    products = pd.DataFrame({"product_code": ["p1", "p2"]})
    day = (dt.date(2025, 3, 1) - dt.date(1970, 1, 1)).days
    acc = Accounts(np.array([11, 12]), np.array([1, 2]), np.array([0, 0]), np.array([0, 1]),
                   activated=np.array([day - 100, day + 40]), deactivated=np.array([-1, -1]), by_territory=[])
    fn = Funnel(territories, products, acc)
    t = day * 86400
    fn.add_appeals({"appeal_id": np.array([1, 2, 3]), "created_utc": np.array([t + 3600, t + 7200, t - 5 * 3600]),
                    "customer_id": np.array([1, 2, 1]), "territory_code": np.array(["AAA"] * 3),
                    "product_code": np.array(["p1", "p2", "p1"]), "service_code": np.array(["s"] * 3),
                    "category": np.array(["c", "c", "c"]), "status": np.array(["resolved", "new", "closed"]),
                    "handled": np.array([True, False, False]), "channel": np.array(["call", "email", "web"])})
    f = fn.frame().set_index(["report_month", "product_code"])
    # Appeal 3 was created at 19:00 UTC on Feb 28 = 02:00 local on Mar 1 (UTC+7): March.
    march_p1 = f.loc[("2025-03", "p1")]
    assert march_p1["appeals"] == 2 and march_p1["appealing_customers"] == 1 and march_p1["handled"] == 1
    assert march_p1["active_subscribers"] == 1 and march_p1["appeals_per_1000_subscribers"] == 2000.0
    # Appeal 3 is followed 6 h later by appeal 1 (same customer, category): not first-contact resolved.
    assert march_p1["resolved"] == 2 and march_p1["resolved_first_contact"] == 1 and march_p1["fcr_pct"] == 50.0
    march_p2 = f.loc[("2025-03", "p2")]
    assert march_p2["active_subscribers"] == 0 and pd.isna(march_p2["appeals_per_1000_subscribers"])
    assert march_p2["resolved"] == 0 and pd.isna(march_p2["fcr_pct"])
