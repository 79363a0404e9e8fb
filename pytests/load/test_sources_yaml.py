"""The source groups' sources YAML is the declaration the loader reads; the loader's own YAML is generated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from parebrick.load.declarations import DeclarationError, read_group
from parebrick.load.registry import tables
from parebrick.load.sources_yaml import loader_document, loader_path, problems, render

REPO = Path(__file__).resolve().parents[2]


def test_the_declarations_read_and_the_loader_yaml_is_in_sync():
    assert problems(REPO) == [], "run `parebrick sources` and commit"
    assert loader_path(REPO).read_text(encoding="utf-8") == render(loader_document())


def test_every_raw_table_and_column_is_described_with_freshness():
    for table in tables(REPO).values():
        assert table.description and "{{" not in table.description, table
        assert all(column.description and "{{" not in column.description for column in table.columns), table
        assert table.freshness.error_hours > table.freshness.warn_hours, table
    loader = {t["name"] for t in loader_document()["sources"][0]["tables"]}
    assert {"committed_batches", "load_batches", "load_rejected_rows"} <= loader


def test_dbt_reads_the_same_tables_the_loader_loads():
    """The identifier dbt reads is the raw table the loader writes, with the same columns and types."""
    for table in tables(REPO).values():
        path = REPO / "models" / "staging" / table.group / f"_{table.group}__sources.yml"
        (source,) = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        entry = next(t for t in source["tables"] if t["name"] == table.name)
        assert entry["identifier"] == table.raw_name
        assert entry["config"]["loaded_at_field"] == "_loaded_at"
        assert [(c["name"], c["data_type"]) for c in entry["columns"]] == [(c.name, c.type) for c in table.columns]


def declaration(tmp_path: Path, table: str, formats: str = "csv_utf8: {reader: csv}") -> Path:
    path = tmp_path / "models" / "staging" / "demo" / "_demo__sources.yml"
    path.parent.mkdir(parents=True)
    path.write_text(f"""version: 2
sources:
  - name: demo
    schema: raw
    config:
      meta:
        formats: {{{formats}}}
    tables:
{table}
""", encoding="utf-8")
    return path


GOOD = """      - name: things
        identifier: demo__things
        description: Things.
        config:
          freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 2, period: hour}}
          meta: {format: csv_utf8, key: [id], partition_by: null}
        columns:
          - {name: id, data_type: String, description: Thing id.}
"""


def test_a_good_declaration_reads(tmp_path):
    group, _, (table,) = read_group(declaration(tmp_path, GOOD), {})
    assert (group, table.raw_name, table.key, table.column("id").type) == ("demo", "demo__things", ("id",), "String")


@pytest.mark.parametrize("change, message", [
    (("identifier: demo__things", "identifier: things"), "identifier must be demo__things"),
    (("key: [id]", "key: [thing_id]"), "key names columns it does not declare: thing_id"),
    (("format: csv_utf8", "format: excel"), "format 'excel' is not among the group's formats"),
    (("data_type: String", "data_type: Nullable(String)"), "key column id cannot be Nullable"),
    (("description: Thing id.", "description: \"{{ doc('no_such_block') }}\""), "no docs block named 'no_such_block'"),
    (("freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 2, period: hour}}", "freshness: {}"),
     "config.freshness needs warn_after and error_after"),
])
def test_a_broken_declaration_is_refused_in_one_line_naming_the_table(tmp_path, change, message):
    path = declaration(tmp_path, GOOD.replace(*change))
    with pytest.raises(DeclarationError) as refused:
        read_group(path, {})
    assert message in str(refused.value) and "table things" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_boolean_spellings_must_be_quoted_strings(tmp_path):
    path = declaration(tmp_path, GOOD, formats="csv_utf8: {reader: csv, true_values: [t, 1]}")
    with pytest.raises(DeclarationError, match="true_values must be a list of quoted strings"):
        read_group(path, {})


BLOCKS = """      - name: things
        identifier: demo__things
        description: Things.
        config:
          freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 2, period: hour}}
          meta: {format: rows, key: [id], partition_by: null, file_name: '^(?P<batch>[a-z]+)_things\\.csv$'}
        columns:
          - {name: id, data_type: String, description: Thing id.}
          - {name: kind, data_type: Nullable(String), description: Kind.}
          - {name: batch, data_type: String, description: From the file name.}
          - {name: layout, data_type: String, description: Which block., config: {meta: {source_name: _layout}}}
"""
ROWS = "rows: {reader: blocks, delimiter: ';', layouts: [{name: one, fields: [id, kind, mark], constants: {mark: M}}, {name: two, fields: [id]}]}"


def test_a_blocks_declaration_reads_its_layouts_and_file_name(tmp_path):
    _, _, (table,) = read_group(declaration(tmp_path, BLOCKS, formats=ROWS), {})
    assert [(layout.name, layout.fields, layout.constants) for layout in table.format.layouts] == [
        ("one", ("id", "kind", "mark"), (("mark", "M"),)), ("two", ("id",), ())]
    assert table.file_name_pattern == r"^(?P<batch>[a-z]+)_things\.csv$"


@pytest.mark.parametrize("formats, message", [
    (ROWS.replace("fields: [id]}", "fields: [id, kind, mark], constants: {mark: N}}"),
     "layouts of different field counts, got [3, 3]"),
    (ROWS.replace("[id, kind, mark]", "[id, sort, mark]"), "layout one has fields that are neither columns nor constants: sort"),
    (ROWS.replace("fields: [id, kind, mark]", "fields: [id, mark]"), "columns in no layout: kind"),
])
def test_a_blocks_declaration_whose_rows_cannot_be_told_apart_is_refused(tmp_path, formats, message):
    with pytest.raises(DeclarationError, match=re.escape(message)):
        read_group(declaration(tmp_path, BLOCKS, formats=formats), {})
