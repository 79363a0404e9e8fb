"""Golden test of the campaigns (seed 003): the published views against the generator's truth.

The truth (parebrick.generate.campaign_truth) is computed in Python from the campaign simulation's members,
communications and contracts, never from the files it writes and never with SQL; the warehouse gets only the
crm and brm extracts, planted defects included, through the real loader and a real `dbt build` of what the
campaign views need (the session fixtures campaign_extracts and campaign_warehouse, pytests/conftest.py).

v_mkt_campaign_results must equal truth/mkt_campaign_results.csv on every campaign × segment: every count
(members, conversions in the window and the pre-period, delivered, agreed, the defects) exactly, the rates and
statistics to a small tolerance (the truth rounds them to 6 decimals). The planted uplift must fall inside the
95 % interval for at least 90 % of the rows, and the campaign planted without an effect must not be
significant. v_mkt_segment_priority is recomputed in Python from the truth's counts, and `parebrick summary`'s
campaign line is that view's best segment. v_mkt_campaign_members holds exactly the truth's members less those
listed in both groups (truth/mkt_campaign_members.csv), each with its segment, group, priority and conversions.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from support import Warehouse, assert_view_equals_truth, read_truth

TOLERANCE = 1e-4
ALPHA = 0.05                        # var('mkt_alpha')
Z_95 = 1.96
GRAIN = ("campaign_id", "segment_code")
LABELS = ("campaign_name", "offer_product_code", "channel")
COUNTS = ("target_members", "control_members", "target_converted", "control_converted", "target_pre_converted",
          "control_pre_converted", "delivered", "agreed")
DEFECTS = ("both_groups_members", "contacted_control_members", "unknown_to_billing_members")
STATISTICS = ("target_conversion_pct", "control_conversion_pct", "uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp",
              "p_value", "target_pre_conversion_pct", "control_pre_conversion_pct", "did_uplift_pp",
              "incremental_contracts")
# The columns METRICS.md fixes for the view, in its order (more may follow them).
CONTRACT_COLUMNS = ("campaign_id", "segment_code", "campaign_name", "offer_product_code", "channel", "target_members",
                    "control_members", "target_converted", "control_converted", "target_conversion_pct",
                    "control_conversion_pct", "uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value",
                    "did_uplift_pp", "incremental_contracts", "delivered", "agreed")
PRIORITY_COLUMNS = ("offer_product_code", "segment_code", "campaigns", "members", "uplift_pp", "p_value",
                    "incremental_per_1000", "priority_rank")


def truth_rows(extracts: Path) -> list[dict[str, str]]:
    return read_truth(extracts / "truth" / "mkt_campaign_results.csv")


def planted(extracts: Path) -> dict:
    return json.loads((extracts / "truth" / "mkt_planted.json").read_text(encoding="utf-8"))


def as_text(value: object, _column: str = "") -> str:
    """A warehouse value as the truth file writes it: NULL as empty, integers as digits."""
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def results(campaign_warehouse: Warehouse) -> list[dict]:
    names, rows = campaign_warehouse.rows("SELECT * FROM views.v_mkt_campaign_results")
    return [dict(zip(names, row)) for row in rows]


def test_the_results_view_has_the_contract_columns_first(campaign_warehouse):
    names, _ = campaign_warehouse.rows("SELECT * FROM views.v_mkt_campaign_results LIMIT 0")
    assert tuple(names[:len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    names, _ = campaign_warehouse.rows("SELECT * FROM views.v_mkt_segment_priority LIMIT 0")
    assert tuple(names[:len(PRIORITY_COLUMNS)]) == PRIORITY_COLUMNS


def test_every_campaign_segment_equals_the_truth(campaign_warehouse, campaign_extracts):
    """Counts and defects exactly, statistics to the truth's rounding, on every campaign × segment."""
    names, rows = campaign_warehouse.rows("SELECT * FROM views.v_mkt_campaign_results")
    truth = truth_rows(campaign_extracts)
    assert len(rows) == len(truth)
    assert_view_equals_truth(truth, names, rows, GRAIN, GRAIN + LABELS + COUNTS + DEFECTS, STATISTICS, as_text,
                             TOLERANCE)


def test_the_members_view_holds_the_counted_members_of_the_truth(campaign_warehouse, campaign_extracts):
    """Counts per campaign × group equal the truth's, and so does every member's segment, group, priority and
    conversion in the window and the pre-period; customers listed in both groups are not members."""
    truth = [row for row in read_truth(campaign_extracts / "truth" / "mkt_campaign_members.csv")
             if row["both_groups"] == "0"]
    _, rows = campaign_warehouse.rows(
        "SELECT campaign_id, customer_id, segment_code, member_group, priority, is_converted, is_pre_converted "
        "FROM views.v_mkt_campaign_members")
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        counts[(row[0], row[3])] = counts.get((row[0], row[3]), 0) + 1
    expected: dict[tuple[str, str], int] = {}
    for row in truth:
        expected[(row["campaign_id"], row["group"])] = expected.get((row["campaign_id"], row["group"]), 0) + 1
    assert counts == expected
    got = {(r[0], r[1]): (r[2], r[3], r[4], int(r[5]), int(r[6])) for r in rows}
    want = {(r["campaign_id"], r["customer_id"]): (r["segment_code"], r["group"], int(r["priority"]),
                                                   int(r["converted"]), int(r["pre_converted"])) for r in truth}
    assert got == want


def test_the_defects_are_the_planted_ones(results, campaign_extracts):
    """Each planted defect is counted once in the campaign it was planted in, none dropped, none invented."""
    found = planted(campaign_extracts)["defects"]
    for kind, column in (("both_groups", "both_groups_members"), ("contacted_control", "contacted_control_members"),
                         ("unknown_to_billing", "unknown_to_billing_members")):
        per_campaign: dict[str, int] = {}
        for defect in found[kind]:
            per_campaign[defect["campaign_id"]] = per_campaign.get(defect["campaign_id"], 0) + 1
        counted: dict[str, int] = {}
        for row in results:
            if row[column]:
                counted[row["campaign_id"]] = counted.get(row["campaign_id"], 0) + row[column]
        assert per_campaign and counted == per_campaign, kind


def test_the_warning_counts_the_contacted_control_members(campaign_warehouse, campaign_extracts):
    """The data test a campaign manager sees warns (never fails the build) with the planted count."""
    result = campaign_warehouse.dbt("test", "--select", "dtl_crm__campaign_members_no_control_member_contacted")
    planted_count = len(planted(campaign_extracts)["defects"]["contacted_control"])
    assert re.search(rf"WARN {planted_count}\b.*dtl_crm__campaign_members_no_control_member_contacted",
                     result.output), result.output[-2000:]


def test_the_interval_covers_the_planted_uplift(results, campaign_extracts):
    """At least 90 % of the campaign × segments' 95 % intervals hold the uplift the simulation planted."""
    truth = {tuple(row[c] for c in GRAIN): float(row["planted_uplift_pp"]) for row in truth_rows(campaign_extracts)}
    covered = [row["uplift_ci_low_pp"] <= truth[(row["campaign_id"], row["segment_code"])] <= row["uplift_ci_high_pp"]
               for row in results]
    assert len(covered) == len(truth)
    assert sum(covered) >= 0.9 * len(covered), f"{sum(covered)} of {len(covered)} intervals cover the planted uplift"


def test_the_campaign_without_effect_is_not_significant(results, campaign_extracts):
    no_effect = planted(campaign_extracts)["no_effect_campaigns"]
    rows = [row for row in results if row["campaign_id"] in no_effect]
    assert no_effect and rows
    assert all(row["p_value"] >= ALPHA and not row["is_significant"] for row in rows), rows
    # and the campaigns planted with the largest effects are found
    assert any(row["is_significant"] for row in results if row["campaign_id"] not in no_effect)


def expected_priority(truth: list[dict[str, str]]) -> dict[tuple[str, str], dict]:
    """docs metric_mkt_segment_uplift and metric_mkt_priority_rank, from the truth's counts in Python: the
    campaigns of an offer weighted by their target members, pooled variances for the test."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in truth:
        groups.setdefault((row["offer_product_code"], row["segment_code"]), []).append(row)
    out = {}
    for key, rows in groups.items():
        measured = [r for r in rows if int(r["target_members"]) and int(r["control_members"])]
        n = sum(int(r["target_members"]) for r in measured)
        variance = null_variance = 0.0
        incremental = 0.0
        for r in measured:
            n_t, n_c = int(r["target_members"]), int(r["control_members"])
            p_t, p_c = int(r["target_converted"]) / n_t, int(r["control_converted"]) / n_c
            pooled = (int(r["target_converted"]) + int(r["control_converted"])) / (n_t + n_c)
            variance += n_t ** 2 * (p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
            null_variance += n_t ** 2 * pooled * (1 - pooled) * (1 / n_t + 1 / n_c)
            incremental += (p_t - p_c) * n_t
        uplift = 100 * incremental / n
        half = Z_95 * 100 * math.sqrt(variance) / n
        se = math.sqrt(null_variance) / n
        p_value = math.erfc(abs(uplift / 100) / se / math.sqrt(2)) if se > 0 else None
        out[key] = {"campaigns": len(rows),
                    "members": sum(int(r["target_members"]) + int(r["control_members"]) for r in rows),
                    "uplift_pp": uplift, "uplift_ci_low_pp": uplift - half, "uplift_ci_high_pp": uplift + half,
                    "p_value": p_value, "incremental_per_1000": 1000 * incremental / n}
    for offer in {offer for offer, _ in out}:
        ranked = sorted((key for key in out if key[0] == offer and (out[key]["p_value"] or 1) < ALPHA),
                        key=lambda key: (-out[key]["incremental_per_1000"], key[1]))
        for key in out:
            if key[0] == offer:
                out[key]["priority_rank"] = ranked.index(key) + 1 if key in ranked else None
    return out


def test_the_segment_priority_combines_the_offers_campaigns(campaign_warehouse, campaign_extracts):
    expected = expected_priority(truth_rows(campaign_extracts))
    names, rows = campaign_warehouse.rows("SELECT * FROM views.v_mkt_segment_priority")
    got = {(row[0], row[1]): dict(zip(names, row)) for row in rows}
    assert set(got) == set(expected)
    for key, want in expected.items():
        have = got[key]
        assert (have["campaigns"], have["members"], have["priority_rank"]) == \
            (want["campaigns"], want["members"], want["priority_rank"]), key
        assert have["priority_status"] == ("ranked" if want["priority_rank"] else "no evidence yet"), key
        for column in ("uplift_pp", "uplift_ci_low_pp", "uplift_ci_high_pp", "p_value", "incremental_per_1000"):
            assert have[column] == pytest.approx(want[column], abs=1e-3), (key, column)
    assert any(want["priority_rank"] for want in expected.values())
    assert any(want["priority_rank"] is None for want in expected.values())


def test_the_summary_campaign_headline_is_the_best_ranked_segment(campaign_warehouse, campaign_extracts):
    expected = expected_priority(truth_rows(campaign_extracts))
    best = min((key for key, want in expected.items() if want["priority_rank"]),
               key=lambda key: (-expected[key]["incremental_per_1000"], key))
    names, rows = campaign_warehouse.rows("SELECT * FROM views.v_mkt_segment_priority "
                                          f"WHERE offer_product_code = '{best[0]}' AND segment_code = '{best[1]}'")
    view = dict(zip(names, rows[0]))
    result = campaign_warehouse.run("parebrick", "summary", "--target", campaign_warehouse.target)
    headline = next(line for line in result.output.splitlines() if line.startswith("Campaigns, best segment "))

    def points(value: float) -> str:
        return f"{value:+.1f} pp"

    assert headline == (f"Campaigns, best segment {best[0]} × {best[1]}: uplift {points(view['uplift_pp'])} "
                        f"(95 % interval {points(view['uplift_ci_low_pp'])} to {points(view['uplift_ci_high_pp'])}), "
                        f"{view['incremental_per_1000']:.1f} incremental contracts per 1000 members")
