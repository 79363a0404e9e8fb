"""The project's generic tests and metric macros, run by dbt on known data.

Each generic test must pass on rows that keep its rule and fail, with the right number of failing rows,
on rows that break it. The rates are checked against values computed here by hand from docs/metrics.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import run_tool

from parebrick.embedded import open_client



@pytest.fixture(scope="module")
def built(macro_project) -> tuple[Path, dict[str, dict]]:
    root, env = macro_project("macros")
    # Seed and run first: under `dbt build` the seed's failing tests would skip the models.
    for step in ("seed", "run"):
        result = run_tool(["dbt", step, "--profiles-dir", str(root)], cwd=root, env=env)
        assert result.returncode == 0, result.output[-3000:]
    result = run_tool(["dbt", "test", "--profiles-dir", str(root)], cwd=root, env=env)
    assert "Compilation Error" not in result.output and "Database Error" not in result.output, result.output[-3000:]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    by_test = {r["unique_id"].split(".")[2]: r for r in results if r["unique_id"].startswith("test.")}
    return root, by_test


def outcome(by_test: dict[str, dict], prefix: str) -> tuple[str, int]:
    matches = [r for name, r in by_test.items() if name.startswith(prefix)]
    assert len(matches) == 1, (prefix, sorted(by_test))
    return matches[0]["status"], matches[0]["failures"]


def test_unique_combination_finds_the_repeated_grain(built):
    assert outcome(built[1], "unique_combination_counts") == ("fail", 1)


def test_balance_identity_finds_the_row_that_does_not_add_up(built):
    assert outcome(built[1], "balance_identity_counts") == ("fail", 1)


def test_expression_is_true_passes_and_fails(built):
    assert outcome(built[1], "handled_never_exceeds_offered") == ("pass", 0)
    assert outcome(built[1], "handled_always_equals_offered") == ("fail", 2)


def test_relationships_finds_the_orphan_whether_or_not_the_children_are_narrowed(built):
    assert outcome(built[1], "narrowed_children_name_known_services") == ("pass", 0)
    assert outcome(built[1], "narrowed_children_include_an_unknown_service") == ("fail", 1)
    assert outcome(built[1], "every_child_includes_an_unknown_service") == ("fail", 1)


def test_percentage_accepts_null_and_rejects_out_of_range_and_nan(built):
    assert outcome(built[1], "percentage_rates_service_level_pct") == ("pass", 0)
    assert outcome(built[1], "percentage_rates_abandon_rate_pct") == ("pass", 0)
    assert outcome(built[1], "percentage_out_of_range_pct_value") == ("fail", 2)


def test_rates_follow_the_metric_definitions(built):
    client = open_client(built[0] / "warehouse")
    try:
        rows = client.query(
            "SELECT report_date, service_code, service_level_pct, abandon_rate_pct, sl_only_handled_pct, "
            "sl_positive_abandon_pct, sl_negative_abandon_pct, mean_of_thirty FROM default.rates "
            "WHERE offered != 4 ORDER BY report_date, service_code"
        ).result_rows
    finally:
        client.close()
    first, empty, second = rows
    # offered 10, handled 6, abandoned 3, short 1, within SL 5 handled + 2 abandoned
    assert first[2:] == pytest.approx((100 * 5 / 9, 100 * 2 / 9, 100 * 5 / 6, 100 * 7 / 10, 100 * 5 / 10, 30))
    # nothing offered: every rate is NULL, never 0 and never an error
    assert empty[2:] == (None, None, None, None, None, None)
    assert second[2:] == pytest.approx((100 * 2 / 5, 100 * 2 / 5, 100 * 2 / 2, 100 * 3 / 5, 100 * 2 / 5, 30))


def test_sums_over_children_finds_the_wrong_sum_and_the_orphan(built):
    # a level above the one a column starts at (offered: team) is not compared with the rows below it
    assert outcome(built[1], "sums_over_children_ok") == ("pass", 0)
    assert outcome(built[1], "sums_over_children_broken") == ("fail", 2)
