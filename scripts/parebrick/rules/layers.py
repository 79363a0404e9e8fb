"""Layer rules: where a model lives, what it is called, what it may read, and what views promise.

The layer of a model is the folder it lives in (`models/<layer>/<group>/`); the name must say the same
layer, so a reader of a query or of the lineage graph knows the layer without opening the file. The layers,
their folders, prefixes and allowed reads are the project's layer table (`vars.layers` in dbt_project.yml).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from parebrick.rules.project import Node, Project, Violation


def flow(project: Project) -> str:
    """The one way data flows, from the layer table: raw → staging → detail → aggregate → view."""
    return " → ".join(layer.name for layer in project.layers if layer.folder is None or layer.is_model_layer)


def folder_layer(project: Project, model: Node) -> tuple[str | None, str | None]:
    """(layer, group) from `models/<layer>/<group>/<file>`; None where the path does not say."""
    parts = PurePosixPath(str(model.get("original_file_path", ""))).parts
    if len(parts) != 4 or parts[0] != "models" or parts[1] not in project.model_layers:
        return None, None
    return parts[1], parts[2]


def name_layer(project: Project, name: str) -> str | None:
    for folder, layer in project.model_layers.items():
        if layer.prefix and name.startswith(layer.prefix):
            return folder
    return None


def layer_of(project: Project, model: Node) -> str | None:
    """The layer both folder and name agree on (or the one that says anything); None when they disagree,
    since then only the placement violation is meaningful and judging its reads would be guesswork."""
    by_folder, by_name = folder_layer(project, model)[0], name_layer(project, model["name"])
    if by_folder and by_name and by_folder != by_name:
        return None
    return by_folder or by_name


def check_placement(project: Project) -> Iterator[Violation]:
    """Names carry their layer's prefix (and group) and live in their layer's folder."""
    for model in project.models:
        name = model["name"]
        path = model.get("original_file_path", "")
        layer, group = folder_layer(project, model)
        by_name = name_layer(project, name)
        if layer is None:
            where = f"models/{by_name}/<group>/{name}.sql" if by_name else "models/<layer>/<group>/"
            yield Violation(name, "layer-folder",
                            f"move {path} to {where} (layers: {', '.join(project.model_layers)})")
            continue
        spec = project.model_layers[layer]
        if by_name != layer:
            suggestion = f"{spec.prefix}{group}__<entity>" if spec.group_in_name else f"{spec.prefix}<subject>"
            yield Violation(name, "layer-prefix",
                            f"a model in models/{layer}/ is named {suggestion}; rename it or move it to its layer's folder")
        elif spec.group_in_name:
            rest = name[len(spec.prefix or ""):]
            if "__" not in rest or rest.split("__", 1)[0] != group:
                yield Violation(name, "layer-prefix",
                                f"name it {spec.prefix}{group}__<entity> (the group is the folder {group}/)")


def check_sources(project: Project) -> Iterator[Violation]:
    """Only staging reads raw: every other layer reads the staging model of that table."""
    for model in project.models:
        if layer_of(project, model) in ("staging", None):
            continue  # None: misplaced, reported by check_placement
        for dep in model.get("depends_on", {}).get("nodes", []):
            if dep.startswith("source."):
                source = dep.split(".", 2)[2]
                yield Violation(model["name"], "source-outside-staging",
                                f"read ref() of the staging model of source {source} instead of source() (only staging reads raw)")


def check_direction(project: Project) -> Iterator[Violation]:
    """Dependencies go one way, raw → staging → detail → aggregate → view."""
    for model in project.models:
        layer = layer_of(project, model)
        if layer is None:
            continue  # reported by layer-folder; its reads cannot be judged without a layer
        allowed = project.model_layers[layer].reads
        for dep in model.get("depends_on", {}).get("nodes", []):
            kind = project.resource_type(dep)
            if kind != "model":
                continue  # sources: check_sources; seeds and snapshots may be read by any layer
            target = project.node(dep)
            dep_layer = layer_of(project, target) if target else None
            if dep_layer is None:
                continue  # a misplaced model: its layer-folder/layer-prefix violation says what to fix
            if dep_layer not in allowed:
                dep_name = dep.rsplit(".", 1)[-1]
                may = ", ".join(sorted(allowed)) or "sources and seeds only"
                yield Violation(model["name"], "layer-direction",
                                f"{layer} reads {dep_name} ({dep_layer}); {layer} may read {may} ({flow(project)})")


def check_contracts(project: Project) -> Iterator[Violation]:
    """Published views promise their columns and types to BI tools: the contract is enforced."""
    for model in project.models:
        if folder_layer(project, model)[0] != "view":
            continue
        contract = (model.get("config") or {}).get("contract") or {}
        if not contract.get("enforced"):
            yield Violation(model["name"], "view-contract",
                            "set config: {contract: {enforced: true}} and a data_type for every column in its YAML")


RULES = [check_placement, check_sources, check_direction, check_contracts]
