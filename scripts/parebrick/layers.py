"""The layers of the warehouse, read from the one place they are declared: `vars.layers` in dbt_project.yml.

dbt reads the same table in `macros/generate_schema_name.sql` (a node's database is the database of the
layer whose folder holds it); the project rules read its folders, prefixes and allowed reads; `parebrick
summary` lists its databases and what they hold. Adding or renaming a layer is one edit there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from parebrick.profile import project_dir


class LayersError(ValueError):
    """dbt_project.yml has no readable layer table."""


@dataclass(frozen=True)
class Layer:
    """One row of the layer table."""

    name: str
    database: str
    holds: str
    # Where its nodes live (models/<layer>, seeds, snapshots); None for raw, which dbt only reads as sources.
    folder: str | None = None
    prefix: str | None = None
    # Whether a name carries `<group>__` after the prefix (and it must equal the folder's group).
    group_in_name: bool = False
    # Model layers this layer's models may read; seeds and snapshots may be read by any model layer.
    reads: frozenset[str] = frozenset()

    @property
    def is_model_layer(self) -> bool:
        return bool(self.folder and self.folder.startswith("models/"))


def _layer(entry: Any, path: Path) -> Layer:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("database"):
        raise LayersError(f"{path}: every entry of vars.layers needs a name and a database, got {entry!r}")
    return Layer(
        name=str(entry["name"]),
        database=str(entry["database"]),
        holds=str(entry.get("holds") or ""),
        folder=str(entry["folder"]) if entry.get("folder") else None,
        prefix=str(entry["prefix"]) if entry.get("prefix") else None,
        group_in_name=bool(entry.get("group_in_name", False)),
        reads=frozenset(str(name) for name in entry.get("reads") or ()),
    )


def load_layers(project: Path | None = None) -> tuple[Layer, ...]:
    """The layer table of a dbt project (default: the project this command works on), in flow order."""
    path = (project or project_dir()) / "dbt_project.yml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise LayersError(f"{path} does not exist") from exc
    entries = (document.get("vars") or {}).get("layers")
    if not isinstance(entries, list) or not entries:
        raise LayersError(f"{path}: vars.layers, the list of the warehouse's layers, is missing")
    return tuple(_layer(entry, path) for entry in entries)


def model_layers(layers: tuple[Layer, ...]) -> dict[str, Layer]:
    """The layers that hold models, by the name of their folder under models/ (staging, detail, …)."""
    return {layer.folder.split("/", 1)[1]: layer for layer in layers if layer.is_model_layer and layer.folder}
