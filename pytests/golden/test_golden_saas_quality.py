"""Golden test of the saas data-quality report: every row of v_saas_data_quality equals the generator's truth.

The truth (truth/saas_data_quality.csv, parebrick.generate.saas_truth.data_quality) counts each defect in
Python from the simulation's rows and from what the delivery planted (versions delivered again, corrupted
copies), never from the files and never with SQL; the warehouse counts them from its own decisions (staging,
detail, the loader's quarantine). The same (extract, defect) keys both ways, and every count exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

# The defects the generator always plants (SOURCES.md "saas" and groups/saas.py): the comparison proves
# little if the sample has none of them.
PLANTED = {("billing", "payed_until_before_created_at"), ("billing", "unpaid_invoice"),
           ("billing", "superseded_version"), ("billing", "rejected_by_loader"), ("companies", "no_billing"),
           ("companies", "industry_respelled"), ("companies", "superseded_version"),
           ("people", "company_missing"), ("people", "superseded_version"), ("activities", "negative_count")}


def quality_truth(saas_extracts: Path) -> dict[tuple[str, str], int]:
    with open(saas_extracts / "truth" / "saas_data_quality.csv", newline="", encoding="utf-8") as handle:
        return {(row["extract"], row["defect"]): int(row["rows"]) for row in csv.DictReader(handle)}


def test_data_quality_matches_the_generators_truth(saas_warehouse, saas_extracts):
    truth = quality_truth(saas_extracts)
    _, rows = saas_warehouse.rows("SELECT extract, defect, rows FROM views.v_saas_data_quality")
    got = {(extract, defect): int(n) for extract, defect, n in rows}
    assert len(got) == len(rows), "one row per extract and defect"
    assert sorted(set(truth) - set(got)) == [], "defects of the truth missing from the report"
    assert sorted(set(got) - set(truth)) == [], "defects in the report the truth does not know"
    mismatches = {key: (want, got[key]) for key, want in truth.items() if got[key] != want}
    assert mismatches == {}, f"(truth, warehouse) of the counts that differ: {mismatches}"


def test_every_defect_is_explained(saas_warehouse):
    _, rows = saas_warehouse.rows("SELECT extract, defect FROM views.v_saas_data_quality "
                                  "WHERE description = '' OR action = ''")
    assert rows == []


def test_the_sample_has_every_planted_defect(saas_extracts):
    truth = quality_truth(saas_extracts)
    assert {key for key, n in truth.items() if n > 0} >= PLANTED
