"""Read the source groups' declarations: each group's sources YAML is what the loader loads.

A group lives in its own rooms: `models/staging/<group>/_<group>__sources.yml` declares its formats
(source `config.meta.formats`) and its raw tables (columns with `data_type`, key, partition, version column),
and `_<group>__columns.md` describes its columns as doc blocks that the sources YAML and the staging
models' YAML both reference. dbt reads the same file as its `sources`, so what the loader creates and what
the data map shows cannot drift apart. Adding a table is an edit of that YAML (CONTRIBUTING.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from parebrick.load.schema import (
    EPOCH, RAW_DATABASE, READERS, Column, Format, Freshness, Layout, Table, base_type, is_nullable,
)

SOURCES_GLOB = "models/staging/*/_*__sources.yml"
DOCS_GLOB = "models/**/*.md"
# The loader's own bookkeeping is declared in Python (`schema`) and written out as this source.
LOADER_SOURCE = "loader"

_DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)
_DOC_REF = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")
_FORMAT_KEYS = {"reader", "delimiter", "encoding", "decimal_comma", "time_zone", "time_format", "keep_extra_columns",
                "free_text", "true_values", "false_values", "layouts", "suffixes", "description"}
_DEFAULT_SUFFIXES = {"csv": (".csv", ".csv.gz"), "jsonl": (".jsonl", ".jsonl.gz"), "blocks": (".csv",), "api": ()}


class DeclarationError(ValueError):
    """A source declaration the loader cannot use; the message names the file and the table."""


def doc_blocks(project: Path) -> dict[str, str]:
    """Every docs block of the project's models, by name (what `{{ doc('name') }}` renders to in dbt)."""
    blocks: dict[str, str] = {}
    for path in sorted(project.glob(DOCS_GLOB)):
        for name, body in _DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = body.strip()
    return blocks


def render_docs(text: str, blocks: dict[str, str], where: str) -> str:
    """A description with its `{{ doc() }}` references replaced by the blocks' text."""
    def replace(match: re.Match[str]) -> str:
        if match.group(1) not in blocks:
            raise DeclarationError(f"{where}: no docs block named {match.group(1)!r}")
        return blocks[match.group(1)]
    return " ".join(_DOC_REF.sub(replace, text or "").split())


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    return dict((entry.get("config") or {}).get("meta") or entry.get("meta") or {})


def _strings(values: Any, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise DeclarationError(f"{where}: expected a list, got {values!r}")
    return tuple(str(v) for v in values)


def _format(name: str, entry: dict[str, Any], blocks: dict[str, str], where: str) -> Format:
    unknown = set(entry) - _FORMAT_KEYS
    if unknown:
        raise DeclarationError(f"{where}: format {name!r} has unknown settings: {', '.join(sorted(unknown))}")
    reader = str(entry.get("reader", "csv"))
    if reader not in READERS:
        raise DeclarationError(f"{where}: format {name!r} has reader {reader!r}; known: {', '.join(READERS)}")
    layouts = tuple(
        Layout(str(layout["name"]), _strings(layout.get("fields"), f"{where}: layout {layout.get('name')}"),
               tuple((str(k), str(v)) for k, v in (layout.get("constants") or {}).items()))
        for layout in entry.get("layouts") or ()
    )
    if reader == "blocks" and not layouts:
        raise DeclarationError(f"{where}: format {name!r} reads headerless blocks but declares no layouts")
    defaults = Format(name)
    return Format(
        name=name, reader=reader,
        delimiter=str(entry.get("delimiter", defaults.delimiter)),
        encoding=str(entry.get("encoding", defaults.encoding)),
        decimal_comma=bool(entry.get("decimal_comma", False)),
        source_time_zone=entry.get("time_zone"),
        time_format=entry.get("time_format"),
        keep_extra_columns=bool(entry.get("keep_extra_columns", False)),
        free_text=bool(entry.get("free_text", False)),
        true_values=_spellings(entry.get("true_values"), defaults.true_values, True, where),
        false_values=_spellings(entry.get("false_values"), defaults.false_values, False, where),
        layouts=layouts,
        suffixes=tuple(str(s).lower() for s in entry["suffixes"]) if entry.get("suffixes") else _DEFAULT_SUFFIXES[reader],
        description=render_docs(str(entry.get("description") or ""), blocks, where),
    )


def _spellings(values: Any, default: tuple[str, ...], truth: bool, where: str) -> tuple[str, ...]:
    """Boolean spellings as written in the extracts (YAML's own `true`/`1` parse as values: quote them)."""
    if values is None:
        return default
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DeclarationError(f"{where}: {'true' if truth else 'false'}_values must be a list of quoted strings, "
                               f"got {values!r}")
    return tuple(values)


def _column(entry: dict[str, Any], blocks: dict[str, str], where: str) -> Column:
    if "data_type" not in entry:
        raise DeclarationError(f"{where}: column {entry.get('name')!r} has no data_type")
    meta = _meta(entry)
    bounds = meta.get("range")
    if bounds is not None and not (isinstance(bounds, list) and len(bounds) == 2
                                   and all(b is None or isinstance(b, (int, float)) for b in bounds)):
        raise DeclarationError(f"{where}: column {entry['name']}: range is [low, high] (null for no bound)")
    pattern = meta.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise DeclarationError(f"{where}: column {entry['name']}: pattern is not a regular expression ({exc})") \
                from None
        if "String" not in base_type(str(entry["data_type"])):
            raise DeclarationError(f"{where}: column {entry['name']}: a pattern constrains text; the column is "
                                   f"{entry['data_type']}")
    presence_only = meta.get("presence_only", False)
    if not isinstance(presence_only, bool):
        raise DeclarationError(f"{where}: column {entry['name']}: presence_only is true or false")
    if presence_only and (str(entry["data_type"]) != "Bool" or bounds is not None or pattern is not None
                          or meta.get("time_format") is not None):
        raise DeclarationError(f"{where}: column {entry['name']}: a presence_only column is Bool (whether the field "
                               "holds a value) and takes no range, pattern or time_format")
    return Column(str(entry["name"]), str(entry["data_type"]),
                  render_docs(str(entry.get("description") or ""), blocks, f"{where}.{entry['name']}"),
                  source_name=None if meta.get("source_name") is None else str(meta["source_name"]),
                  time_format=meta.get("time_format"),
                  value_range=tuple(bounds) if bounds is not None else None,
                  pattern=None if pattern is None else str(pattern), presence_only=presence_only)


def _table(group: str, entry: dict[str, Any], formats: dict[str, Format], blocks: dict[str, str],
           where: str) -> Table:
    name = str(entry["name"])
    where = f"{where}: table {name}"
    if entry.get("identifier") != f"{group}__{name}":
        raise DeclarationError(f"{where}: identifier must be {group}__{name} (raw tables are named <group>__<table>)")
    config = entry.get("config") or {}
    meta = _meta(entry)
    if meta.get("format") not in formats:
        raise DeclarationError(f"{where}: format {meta.get('format')!r} is not among the group's formats "
                               f"({', '.join(formats)})")
    columns = tuple(_column(column, blocks, where) for column in entry.get("columns") or ())
    names = [column.name for column in columns]
    key = _strings(meta.get("key"), f"{where}: key")
    for role, listed in (("key", key), ("required", _strings(meta.get("required"), where)),
                         ("version_column", _strings([meta["version_column"]] if meta.get("version_column") else [],
                                                     where))):
        missing = [column for column in listed if column not in names]
        if missing:
            raise DeclarationError(f"{where}: {role} names columns it does not declare: {', '.join(missing)}")
    if not key:
        raise DeclarationError(f"{where}: declares no key")
    for column in columns:
        if column.presence_only and (column.name in key or column.name in _strings(meta.get("required"), where)
                                     or column.field in _file_name_groups(meta.get("file_name"))):
            raise DeclarationError(f"{where}: presence_only column {column.name} cannot be in the key, required "
                                   "or a value of the file name (its field's value is never kept)")
        if column.name in key and is_nullable(column.type):
            raise DeclarationError(f"{where}: key column {column.name} cannot be Nullable")
        if column.time_format not in (None, EPOCH) and not base_type(column.type).startswith("Date"):
            raise DeclarationError(f"{where}: column {column.name} has a time_format but is not a time")
    freshness = config.get("freshness") or {}
    try:
        hours = Freshness(int(freshness["warn_after"]["count"]), int(freshness["error_after"]["count"]))
    except (KeyError, TypeError, ValueError):
        raise DeclarationError(f"{where}: config.freshness needs warn_after and error_after counts (hours)") from None
    pattern = meta.get("file_name")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DeclarationError(f"{where}: file_name is not a regular expression ({exc})") from None
    table = Table(
        group=group, name=name,
        description=render_docs(str(entry.get("description") or ""), blocks, where),
        format=formats[meta["format"]], columns=columns, key=key,
        partition_by=meta.get("partition_by"), freshness=hours,
        version_column=meta.get("version_column"),
        required=_strings(meta.get("required"), where),
        file_name_pattern=pattern,
    )
    if table.format.reader == "blocks":
        from parebrick.load.blocks import check_layouts  # the reader knows what its layouts need

        try:
            check_layouts(table)
        except ValueError as exc:
            raise DeclarationError(f"{where}: {exc}") from None
    return table


def _file_name_groups(pattern: Any) -> tuple[str, ...]:
    try:
        return tuple(re.compile(str(pattern)).groupindex) if pattern else ()
    except re.error:
        return ()  # reported with its reason below


def read_group(path: Path, blocks: dict[str, str]) -> tuple[str, str, list[Table]]:
    """(group, description, tables) of one sources YAML."""
    where = path.as_posix()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DeclarationError(f"{where}: not valid YAML ({' '.join(str(exc).split())})") from None
    sources = document.get("sources") or []
    if len(sources) != 1:
        raise DeclarationError(f"{where}: a group's sources YAML declares exactly one source, the group")
    source = sources[0]
    group = str(source["name"])
    if path.name != f"_{group}__sources.yml" or path.parent.name != group:
        raise DeclarationError(f"{where}: the source {group!r} belongs in models/staging/{group}/_{group}__sources.yml")
    if source.get("schema") != RAW_DATABASE:
        raise DeclarationError(f"{where}: a source group's schema is {RAW_DATABASE}")
    formats = {str(name): _format(str(name), dict(entry or {}), blocks, where)
               for name, entry in (_meta(source).get("formats") or {}).items()}
    tables = [_table(group, entry, formats, blocks, where) for entry in source.get("tables") or ()]
    return group, render_docs(str(source.get("description") or ""), blocks, where), tables


def read_project(project: Path) -> list[tuple[str, str, list[Table]]]:
    """Every source group of the project, in folder order (the loader's own source excluded)."""
    blocks = doc_blocks(project)
    groups = []
    for path in sorted(project.glob(SOURCES_GLOB)):
        if path.parent.name == LOADER_SOURCE:
            continue
        groups.append(read_group(path, blocks))
    return groups
