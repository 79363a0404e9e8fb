"""The ad-hoc queries of analyses/ compile with and without vars, and what they list agrees with the published views.

Each analysis is compiled by dbt (as an analyst compiles it), its SQL run on the session's sample warehouse,
and its rows compared with numbers read from a published view, never with the analysis's own SQL: the
drill-down's items count to the reconciliation view's cms_only and crm_only, an operator's legs sum to
v_operator_daily, and the contract's service levels equal the rates recomputed here, in Python, from the sums
of v_cc_service_daily over the period. dbt runs twice for the whole module: once without vars (the defaults),
once with every analysis's vars.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import Warehouse, whole_days

pytestmark = pytest.mark.slow

ANALYSES = ("reconciliation_drilldown", "operator_day", "contract_service_level")
RATE_TOLERANCE = 0.01
UNMATCHED_REASONS = {"empty_ref", "unknown_session", "abandoned_contact_session", "other_outcome_contact_session"}
SL_COUNTS = ("offered", "handled", "abandoned", "short_abandoned", "handled_within_sl", "abandoned_within_sl")

Row = dict[str, Any]


@dataclass
class Compiled:
    """The compiled SQL of every analysis and the columns its YAML documents (from dbt's manifest)."""

    sql: dict[str, str]
    documented_columns: dict[str, list[str]]


def compile_analyses(warehouse: Warehouse, target_path: Path, variables: dict[str, str] | None) -> Compiled:
    """`dbt compile` of every analysis with the warehouse's flags, into a target folder of the test's own, so
    the sample warehouse's build artifacts (manifest, run results) stay as its build left them."""
    flags = list(warehouse.dbt_flags)
    flags[flags.index("--target-path") + 1] = str(target_path)
    args = ["dbt", "compile", "--select", "resource_type:analysis", *flags]
    if variables is not None:
        args += ["--vars", json.dumps(variables)]
    warehouse.run(*args)
    out = target_path / "compiled" / "parebrick" / "analyses"
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    return Compiled(
        sql={name: (out / f"{name}.sql").read_text(encoding="utf-8") for name in ANALYSES},
        documented_columns={name: list(manifest["nodes"][f"analysis.parebrick.{name}"]["columns"])
                            for name in ANALYSES},
    )


def query(warehouse: Warehouse, sql: str) -> list[Row]:
    names, rows = warehouse.rows(sql)
    return [dict(zip(names, row)) for row in rows]


def pct(numerator: float, denominator: float) -> float | None:
    """docs/metrics.md: a percentage is NULL on a zero denominator."""
    return None if denominator == 0 else 100 * numerator / denominator


def assert_close(have: float | None, want: float | None, label: str) -> None:
    assert (have is None) == (want is None), f"{label}: {have} != {want}"
    if want is not None:
        assert abs(have - want) <= RATE_TOLERANCE, f"{label}: {have} != {want}"


def latest_whole_date(service_daily: list[Row]) -> dt.date:
    """The analyses' default day, worked out again from the service view: the newest whole date of the
    national offered (support.whole_days)."""
    offered: dict[dt.date, int] = {}
    for row in service_daily:
        offered[row["report_date"]] = offered.get(row["report_date"], 0) + row["offered"]
    return max(whole_days(offered))


@pytest.fixture(scope="module")
def reconciliation(sample_warehouse: Warehouse) -> list[Row]:
    return query(sample_warehouse, "SELECT * FROM views.v_crm_cms_reconciliation_daily")


@pytest.fixture(scope="module")
def operator_daily(sample_warehouse: Warehouse) -> list[Row]:
    return query(sample_warehouse, "SELECT * FROM views.v_operator_daily")


@pytest.fixture(scope="module")
def service_daily(sample_warehouse: Warehouse) -> list[Row]:
    return query(sample_warehouse, "SELECT * FROM views.v_cc_service_daily")


@pytest.fixture(scope="module")
def chosen(reconciliation, operator_daily, service_daily) -> dict[str, Any]:
    """What the vars ask for, picked from the views: rows with something to list on every side. The operator's
    day is the first one and the period is filtered, so they are not what the defaults pick."""
    drill = max((r for r in reconciliation if r["cms_only"] > 0 and r["crm_only"] > 0),
                key=lambda r: (r["crm_only"], r["report_date"], r["service_code"]))
    worked = [r for r in operator_daily if r["handled"] > 0 and r["scheduled_sec"] > 0]
    first_day = min(r["report_date"] for r in worked)
    operator = max((r for r in worked if r["report_date"] == first_day),
                   key=lambda r: (r["handled"], r["operator_login"]))
    dates = sorted({r["report_date"] for r in service_daily})
    offered_by_pair = Counter()
    for row in service_daily:
        offered_by_pair[(row["service_code"], row["territory_code"])] += row["offered"]
    (service, territory), _ = offered_by_pair.most_common(1)[0]
    return {
        "drilldown": drill,
        "operator": operator,
        "vars": {
            "drilldown_date": str(drill["report_date"]), "drilldown_service": drill["service_code"],
            "report_date": str(operator["report_date"]), "operator_login": operator["operator_login"],
            "period_start": str(dates[0]), "period_end": str(dates[-1]),
            "contract_service": service, "contract_territory": territory,
        },
    }


@pytest.fixture(scope="module")
def compiled_defaults(sample_warehouse, tmp_path_factory) -> Compiled:
    return compile_analyses(sample_warehouse, tmp_path_factory.mktemp("analyses_defaults") / "target", None)


@pytest.fixture(scope="module")
def compiled_with_vars(sample_warehouse, chosen, tmp_path_factory) -> Compiled:
    return compile_analyses(sample_warehouse, tmp_path_factory.mktemp("analyses_vars") / "target", chosen["vars"])


@pytest.fixture(scope="module")
def default_rows(sample_warehouse, compiled_defaults) -> dict[str, list[Row]]:
    return {name: query(sample_warehouse, sql) for name, sql in compiled_defaults.sql.items()}


@pytest.fixture(scope="module")
def rows_with_vars(sample_warehouse, compiled_with_vars) -> dict[str, list[Row]]:
    return {name: query(sample_warehouse, sql) for name, sql in compiled_with_vars.sql.items()}


@pytest.mark.parametrize("name", ANALYSES)
def test_each_analysis_runs_without_vars_and_has_its_documented_columns(sample_warehouse, compiled_defaults,
                                                                      default_rows, name):
    """A bare `dbt compile` gives runnable SQL whose columns are the YAML's, in its order, and finds rows."""
    names, _ = sample_warehouse.rows(compiled_defaults.sql[name])
    assert names == compiled_defaults.documented_columns[name]
    assert default_rows[name], f"{name} found nothing to list by its defaults"


def check_drilldown(rows: list[Row], expected: Row) -> None:
    """The items of one day and service: as many of each side as the reconciliation view counts."""
    sides = Counter(row["side"] for row in rows)
    assert sides["cms_only"] == expected["cms_only"]
    assert sides["crm_only"] == expected["crm_only"]
    assert set(sides) <= {"cms_only", "crm_only"}
    assert {(row["report_date"], row["service_code"]) for row in rows} == {
        (expected["report_date"], expected["service_code"])}
    contacts = [row for row in rows if row["side"] == "cms_only"]
    appeals = [row for row in rows if row["side"] == "crm_only"]
    assert len({(r["node_id"], r["profile_id"], r["session_id"]) for r in contacts}) == len(contacts)
    assert all(r["session_id"] is not None and r["appeal_id"] is None for r in contacts)
    assert len({r["appeal_id"] for r in appeals}) == len(appeals)
    assert all(r["unmatched_reason"] in UNMATCHED_REASONS and r["session_id"] is None for r in appeals)
    for row in appeals:
        is_empty = (row["contact_ref"] or "").strip() == ""
        assert is_empty == (row["unmatched_reason"] == "empty_ref"), row


def test_the_drilldown_lists_the_reconciliation_views_cms_only_and_crm_only(rows_with_vars, chosen):
    check_drilldown(rows_with_vars["reconciliation_drilldown"], chosen["drilldown"])


def test_the_drilldown_defaults_to_the_latest_whole_date_and_its_service_with_most_cms_only(default_rows,
                                                                                           reconciliation,
                                                                                           service_daily):
    day = latest_whole_date(service_daily)
    expected = min((r for r in reconciliation if r["report_date"] == day),
                   key=lambda r: (-r["cms_only"], r["service_code"]))
    check_drilldown(default_rows["reconciliation_drilldown"], expected)


def check_operator_day(rows: list[Row], expected: Row) -> None:
    """The legs listed sum to the operator's row of v_operator_daily; the schedule's work to scheduled_sec."""
    assert rows[-1]["row_kind"] == "day_total"
    assert Counter(row["row_kind"] for row in rows)["day_total"] == 1
    assert {(row["report_date"], row["operator_login"]) for row in rows} == {
        (expected["report_date"], expected["operator_login"])}
    legs = [row for row in rows if row["row_kind"] == "leg"]
    activities = [row for row in rows if row["row_kind"] == "activity"]
    assert legs and activities
    sums = {
        "handled": sum(1 for leg in legs if leg["is_answered"]),
        "talk_sec": sum(leg["talk_sec"] or 0 for leg in legs),
        "hold_sec": sum(leg["hold_sec"] or 0 for leg in legs),
        "work_sec": sum(leg["work_sec"] or 0 for leg in legs),
        "scheduled_sec": sum(a["activity_duration_sec"] or 0 for a in activities if a["activity"] == "work"),
    }
    assert sums == {column: expected[column] for column in sums}
    total = rows[-1]
    assert {column: total[column] for column in sums} == sums
    assert total["handle_time_sec"] == sums["talk_sec"] + sums["hold_sec"] + sums["work_sec"]
    assert_close(total["aht_sec"], expected["aht_sec"], "aht_sec")
    assert_close(total["occupancy_pct"], expected["occupancy_pct"], "occupancy_pct")
    starts = [row["started_at_local"] for row in rows[:-1]]
    assert starts == sorted(starts), "legs and activities in time order"
    assert all(leg["started_at_local"].date() == expected["report_date"] for leg in legs)


def test_the_operator_day_sums_to_v_operator_daily(rows_with_vars, chosen):
    check_operator_day(rows_with_vars["operator_day"], chosen["operator"])


def test_the_operator_day_defaults_to_the_latest_whole_dates_busiest_operator(default_rows, operator_daily,
                                                                          service_daily):
    day = latest_whole_date(service_daily)
    expected = min((r for r in operator_daily if r["report_date"] == day),
                   key=lambda r: (-r["handled"], r["operator_login"]))
    check_operator_day(default_rows["operator_day"], expected)


def period_truth(service_daily: list[Row], start: dt.date, end: dt.date,
                 service: str | None = None, territory: str | None = None) -> Row:
    """The period's counts summed from v_cc_service_daily, and every convention's rate recomputed from them."""
    days = [r for r in service_daily if start <= r["report_date"] <= end
            and service in (None, r["service_code"]) and territory in (None, r["territory_code"])]
    sums = {column: sum(r[column] for r in days) for column in SL_COUNTS}
    within, offered, short = sums["handled_within_sl"], sums["offered"], sums["short_abandoned"]
    handled = sums["handled"]
    return {
        **sums,
        "days_with_contacts": len({r["report_date"] for r in days if r["offered"] > 0}),
        "service_level_pct": pct(within, offered - short),
        "sl_only_handled_pct": pct(within, handled),
        "sl_positive_abandon_pct": pct(within + sums["abandoned_within_sl"], offered),
        "sl_negative_abandon_pct": pct(within, offered),
        "abandon_rate_pct": pct(sums["abandoned"] - short, offered - short),
        # the view's means times their counts give back the sums they were computed from
        "aht_sec": None if handled == 0 else sum((r["aht_sec"] or 0) * r["handled"] for r in days) / handled,
        "asa_sec": None if handled == 0 else sum((r["asa_sec"] or 0) * r["handled"] for r in days) / handled,
    }


def check_contract(rows: list[Row], truth: Row) -> None:
    assert len(rows) == 1
    row = rows[0]
    for column in (*SL_COUNTS, "days_with_contacts"):
        assert row[column] == truth[column], column
    assert row["offered"] == row["handled"] + row["abandoned"] + row["other_outcomes"]
    for column in ("service_level_pct", "sl_only_handled_pct", "sl_positive_abandon_pct", "sl_negative_abandon_pct",
                   "abandon_rate_pct", "aht_sec", "asa_sec"):
        assert_close(row[column], truth[column], column)
    # The conventions differ exactly where the counts make them differ; the sample has all three causes.
    assert row["short_abandoned"] > 0 and row["abandoned_within_sl"] > 0 and row["handled"] < row["offered"]
    assert row["service_level_pct"] > row["sl_negative_abandon_pct"] + RATE_TOLERANCE
    assert row["sl_positive_abandon_pct"] > row["sl_negative_abandon_pct"] + RATE_TOLERANCE
    assert row["sl_only_handled_pct"] > row["sl_negative_abandon_pct"] + RATE_TOLERANCE


def test_the_contract_service_level_equals_the_rates_of_the_periods_sums(rows_with_vars, chosen, service_daily):
    variables = chosen["vars"]
    start, end = dt.date.fromisoformat(variables["period_start"]), dt.date.fromisoformat(variables["period_end"])
    rows = rows_with_vars["contract_service_level"]
    check_contract(rows, period_truth(service_daily, start, end,
                                      variables["contract_service"], variables["contract_territory"]))
    assert (rows[0]["period_start"], rows[0]["period_end"]) == (start, end)
    assert (rows[0]["service_code"], rows[0]["territory_code"]) == (
        variables["contract_service"], variables["contract_territory"])


def test_the_contract_service_level_defaults_to_the_month_of_the_latest_whole_date(default_rows, service_daily):
    end = latest_whole_date(service_daily)
    start = end.replace(day=1)
    rows = default_rows["contract_service_level"]
    check_contract(rows, period_truth(service_daily, start, end))
    assert (rows[0]["period_start"], rows[0]["period_end"], rows[0]["service_code"], rows[0]["territory_code"]) == (
        start, end, None, None)
