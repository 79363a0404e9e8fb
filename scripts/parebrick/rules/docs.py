"""Description rules: the data map (`dbt docs`) is only as good as what every node and column says.

The data map is where people look up what lies where (docs/overview.md); an undescribed model or column
is exactly such a question left for the next reader. Column lists come from the YAML (what the manifest knows); given a
catalog (`dbt docs generate`), columns that exist in the warehouse but not in the YAML are caught too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parebrick.rules.project import Node, Project, Violation


def _blank(text: Any) -> bool:
    return not str(text or "").strip()


def _yaml_of(node: Node) -> str:
    """Where the author writes the description: the YAML beside the SQL (or the CSV for a seed)."""
    patch = node.get("patch_path") or ""
    if "://" in patch:
        return patch.split("://", 1)[1]
    path = str(node.get("original_file_path") or "")
    return path.rsplit(".", 1)[0] + ".yml" if path else "its YAML"


def _node_docs(node: Node, label: str) -> Iterator[Violation]:
    where = _yaml_of(node)
    if _blank(node.get("description")):
        yield Violation(label, "description", f"add a description to {node['name']} in {where}")
    columns = node.get("columns") or {}
    if not columns:
        yield Violation(label, "column-description", f"list its columns with a description each in {where}")
    for column in columns.values():
        if _blank(column.get("description")):
            yield Violation(label, "column-description",
                            f"describe column {column.get('name')} in {where} (metrics: {{{{ doc('metric_...') }}}})")


def check_models_and_seeds(project: Project) -> Iterator[Violation]:
    for node in [*project.models, *project.seeds]:
        yield from _node_docs(node, node["name"])


def check_sources(project: Project) -> Iterator[Violation]:
    for source in project.sources:
        label = f"source {source['source_name']}.{source['name']}"
        where = source.get("original_file_path") or "its sources YAML"
        if _blank(source.get("description")):
            yield Violation(label, "description", f"describe table {source['name']} in {where}")
        for column in (source.get("columns") or {}).values():
            if _blank(column.get("description")):
                yield Violation(label, "column-description", f"describe column {column.get('name')} in {where}")
        if not source.get("columns"):
            yield Violation(label, "column-description", f"list the table's columns with a description each in {where}")


def catalog_violations(project: Project, catalog: dict[str, Any]) -> Iterator[Violation]:
    """Columns the warehouse has (catalog.json) that the YAML does not describe."""
    entries = {**catalog.get("nodes", {}), **catalog.get("sources", {})}
    for node in [*project.models, *project.seeds, *project.sources]:
        entry = entries.get(node["unique_id"])
        if not entry:
            continue
        documented = {name.lower() for name in (node.get("columns") or {})}
        label = node["name"] if node.get("resource_type") != "source" else f"source {node['source_name']}.{node['name']}"
        for name in entry.get("columns", {}):
            if name.lower() not in documented:
                yield Violation(label, "column-description",
                                f"column {name} exists in the warehouse but not in {_yaml_of(node)}; describe it there")


RULES = [check_models_and_seeds, check_sources]
