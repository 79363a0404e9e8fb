"""Grain and meta rules: every model says what one row is, proves it with a test, and names its keepers.

`meta.grain` is the contract of a model's row ("one row per report_date × service_code × territory_code");
a uniqueness test on exactly those columns is what makes it true rather than hoped. The other meta keys
answer the questions of a report request (БФТ, docs/overview.md) about a table: who owns it, which source
group it serves, how often it is refreshed and how long data is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parebrick.rules.project import Node, Project, Violation, meta_of

META_KEYS = ("owner", "source_group", "refresh", "retention")


def grain_columns(grain: Any) -> tuple[str, ...]:
    """`meta.grain` as a list of columns: a YAML list, or a comma-separated string."""
    if isinstance(grain, (list, tuple)):
        items = [str(item) for item in grain]
    else:
        items = str(grain or "").split(",")
    return tuple(sorted(item.strip() for item in items if item.strip()))


def uniqueness_tests(project: Project) -> dict[str, set[tuple[str, ...]]]:
    """For each model, the column sets proven unique by `unique_combination` or dbt's `unique`."""
    proven: dict[str, set[tuple[str, ...]]] = {}
    for test in project.tests:
        meta = test.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        attached = test.get("attached_node")
        if not attached:
            continue
        if meta.get("name") == "unique_combination":
            columns = grain_columns(kwargs.get("columns") or ())
        elif meta.get("name") == "unique" and (kwargs.get("column_name") or test.get("column_name")):
            columns = (str(kwargs.get("column_name") or test.get("column_name")).strip(),)
        else:
            continue
        proven.setdefault(attached, set()).add(columns)
    return proven


def check_grain(project: Project) -> Iterator[Violation]:
    proven = uniqueness_tests(project)
    for model in project.models:
        name = model["name"]
        grain = grain_columns(meta_of(model).get("grain"))
        if not grain:
            yield Violation(name, "grain-declared",
                            "add config.meta.grain: the columns of one row, e.g. 'report_date, service_code'")
            continue
        if grain not in proven.get(model["unique_id"], set()):
            if len(grain) == 1:
                how = f"add data_tests: [unique] to column {grain[0]} (or unique_combination on [{grain[0]}])"
            else:
                how = f"add data_tests: [{{unique_combination: {{arguments: {{columns: [{', '.join(grain)}]}}}}}}]"
            yield Violation(name, "grain-test", f"no uniqueness test on its grain ({', '.join(grain)}); {how}")


def _missing_meta(node: Node) -> list[str]:
    meta = meta_of(node)
    return [key for key in META_KEYS if not str(meta.get(key) or "").strip()]


# Keys a group folder declares once for its models, in dbt_project.yml (`<layer>: <group>: +meta`).
FOLDER_KEYS = ("owner", "source_group")


def check_meta(project: Project) -> Iterator[Violation]:
    """The meta keys, read from the merged config dbt writes: the folder's `+meta` and the model's own."""
    for node in [*project.models, *project.seeds]:
        missing = _missing_meta(node)
        if missing:
            where = ""
            if any(key in FOLDER_KEYS for key in missing):
                where = "; owner and source_group usually come from the folder's +meta in dbt_project.yml"
            yield Violation(node["name"], "meta-keys",
                            f"add config.meta {', '.join(missing)} (required: {', '.join(META_KEYS)}){where}")


RULES = [check_grain, check_meta]
