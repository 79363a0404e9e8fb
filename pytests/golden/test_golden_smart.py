"""Golden test of the smart group (installation monitoring, seed 002): the published views equal the truth.

The truth (parebrick.generate.smart_truth) is computed in Python from the simulation's rows, never from the
files it writes and never with SQL; the warehouse gets only the smart extracts, planted defects included
(a registry file refused whole, rejected rows, a repeated line, lines that are not JSON, reports of an
installation no registry lists), through the real loader and a real `dbt build` of the smart models. Every
row of v_smart_usage_daily equals truth/v_smart_usage_daily.csv: counts exactly, the percentage to 0.01.
Every alert equals truth/smart_alerts.csv (installation, rule, opened_at, resolved_at, recipients, and
`inhibited`: opened while a high-priority alert was open, dtl_smart__alerts.is_opened_inhibited), and
v_smart_installations equals truth/v_smart_installations.csv.
"""

from __future__ import annotations

from pathlib import Path

from parebrick.bench.inbox import split_at_last_day
from support import (
    REPO, SMART_SELECT, Warehouse, assert_same_rows, assert_view_equals_truth, read_truth, truth_text,
)

TOLERANCE = 0.01


def test_usage_daily_matches_the_generators_truth(smart_warehouse, smart_extracts):
    names, rows = smart_warehouse.rows("SELECT * FROM views.v_smart_usage_daily")
    assert_view_equals_truth(
        read_truth(smart_extracts / "truth" / "v_smart_usage_daily.csv"), names, rows,
        ("cabinet", "client", "report_date"),
        ("reports", "sessions", "searches", "empty_searches", "users_active_max", "documents_opened"),
        ("empty_search_pct",), lambda value, _column: truth_text(value), TOLERANCE)


def test_alerts_match_the_generators_truth(smart_warehouse, smart_extracts):
    names, rows = smart_warehouse.rows(
        "SELECT alerts.cabinet AS cabinet, alerts.client AS client, alerts.rule AS rule, alerts.priority AS priority,"
        " alerts.opened_at AS opened_at, alerts.resolved_at AS resolved_at,"
        " arrayStringConcat(alerts.recipients, ',') AS recipients, detail.is_opened_inhibited AS inhibited"
        " FROM views.v_smart_alerts AS alerts"
        " INNER JOIN detail.dtl_smart__alerts AS detail ON alerts.alert_id = detail.alert_id")
    truth = read_truth(smart_extracts / "truth" / "smart_alerts.csv")
    assert {row["rule"] for row in truth} == {"installation_down", "report_missing", "update_broken",
                                              "empty_searches", "activity_drop"}, "the sample plants every rule"
    assert_view_equals_truth(truth, names, rows, ("cabinet", "client", "rule", "opened_at"),
                             ("priority", "resolved_at", "recipients", "inhibited"), (),
                             lambda value, _column: truth_text(value))


def test_installations_match_the_generators_truth(smart_warehouse, smart_extracts):
    names, rows = smart_warehouse.rows("SELECT * FROM views.v_smart_installations")
    assert_view_equals_truth(
        read_truth(smart_extracts / "truth" / "v_smart_installations.csv"), names, rows, ("cabinet", "client"),
        ("kind", "manager", "manager_email", "utc_offset_hours", "polled", "last_report_at", "last_poll_ok_at",
         "open_alerts"), (), lambda value, _column: truth_text(value))


def test_alert_ids_are_stable_across_builds(smart_warehouse, smart_extracts):
    """A rebuild on the same data gives every alert the id it had (the sender's ledger relies on it)."""
    _, before = smart_warehouse.rows("SELECT alert_id, cabinet, client, rule, opened_at FROM views.v_smart_alerts")
    smart_warehouse.dbt("run", "--select", "dtl_smart__alerts")
    _, after = smart_warehouse.rows("SELECT alert_id, cabinet, client, rule, opened_at FROM views.v_smart_alerts")
    assert before and sorted(before) == sorted(after)


def test_a_manager_email_in_two_branches_is_warned_with_its_count(smart_warehouse, smart_extracts):
    """The sample plants one manager e-mail in two branch cabinets' lists: the data test warns with one row
    (one e-mail), the build does not fail."""
    planted = {row["file"] for row in read_truth(smart_extracts / "truth" / "smart_defects.csv")
               if row["defect"] == "manager_email_in_two_branches"}
    assert planted, "the sample plants the conflict"
    result = smart_warehouse.dbt("test", "--select", "dtl_smart__installations_no_manager_email_in_two_branches")
    assert "WARN 1 dtl_smart__installations_no_manager_email_in_two_branches" in result.output


def test_an_incremental_week_equals_a_full_refresh(smart_extracts, tmp_path_factory):
    """The smart extracts less their last dated polls and reports, built, then the rest loaded and built
    incrementally: every smart detail model equals a full refresh of everything (its build_id aside)."""
    inbox = smart_extracts / "inbox"
    first_part = tmp_path_factory.mktemp("smart_first_part") / "inbox"
    split_at_last_day(inbox, first_part, by=Path("smart") / "polls")

    incremental = Warehouse(tmp_path_factory.mktemp("smart_incremental"), REPO)
    incremental.load(first_part)
    incremental.dbt("seed", "--select", "dim_smart_cabinets")
    incremental.dbt("run", *SMART_SELECT)
    _, (before,) = incremental.rows("SELECT count() FROM detail.dtl_smart__polls")
    incremental.load(inbox)
    incremental.dbt("run", *SMART_SELECT)

    full = Warehouse(tmp_path_factory.mktemp("smart_full"), REPO)
    full.load(inbox)
    full.dbt("seed", "--select", "dim_smart_cabinets")
    full.dbt("run", "--full-refresh", *SMART_SELECT)

    _, (after,) = full.rows("SELECT count() FROM detail.dtl_smart__polls")
    assert 0 < before[0] < after[0], "the held-back extracts hold polls"
    for relation, order in (
        ("dtl_smart__polls", "cabinet, client, polled_at"),
        ("dtl_smart__reports", "cabinet, client, reported_at_utc"),
        ("dtl_smart__installation_days", "cabinet, client, report_date"),
        ("dtl_smart__alerts", "cabinet, client, rule, opened_at"),
    ):
        columns = "* EXCEPT (build_id)" if relation in ("dtl_smart__polls", "dtl_smart__reports") else "*"
        assert_same_rows(incremental, full, f"detail.{relation}", columns, order)
