"""The dbt sources YAML is generated from the registry; the committed files must be what it gives."""

from __future__ import annotations

from pathlib import Path

import yaml

from parebrick.load.registry import TABLES
from parebrick.load.sources_yaml import expected_files, stale_files

REPO = Path(__file__).resolve().parents[2]


def test_committed_sources_yaml_is_in_sync_with_the_registry():
    stale = [str(path.relative_to(REPO)) for path in stale_files(REPO)]
    assert not stale, f"run `parebrick sources` and commit: {stale}"


def test_every_raw_table_and_column_is_described_with_freshness():
    described = {}
    for text in expected_files(REPO).values():
        for source in yaml.safe_load(text)["sources"]:
            assert source["schema"] == "raw" and source["description"]
            for table in source["tables"]:
                assert table["description"] and all(column["description"] for column in table["columns"])
                described[f"{source['name']}.{table['name']}"] = table
    for qualified, table in TABLES.items():
        entry = described[qualified]
        assert entry["identifier"] == table.raw_name
        assert entry["config"]["loaded_at_field"] == "_loaded_at"
        assert entry["config"]["freshness"]["error_after"]["count"] > entry["config"]["freshness"]["warn_after"]["count"]
        assert {c["name"] for c in entry["columns"]} >= {*table.column_names, "_batch_id", "_source", "_source_row"}
    assert {"loader.committed_batches", "loader.load_batches", "loader.load_rejected_rows"} <= described.keys()


def test_keys_are_never_nullable():
    for table in TABLES.values():
        for name in table.key:
            assert not table.column(name).type.startswith(("Nullable", "LowCardinality(Nullable")), (table, name)
