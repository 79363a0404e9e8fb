"""The types every rule works with: the violation record, the project's view of a manifest, a rule.

Rules live one module per concern (docs, grain, layers) and import only this module; each takes a
`Project` and yields violations. `runner.py` collects them and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from parebrick.layers import Layer, load_layers, model_layers

Node = dict[str, Any]


@dataclass(frozen=True, order=True)
class Violation:
    """One broken rule: which node, which rule, and what the author should do about it."""

    node: str
    rule: str
    fix: str

    def line(self) -> str:
        """The one-line form reviewers read in CI: `model — rule — how to fix`."""
        return f"{self.node} — {self.rule} — {self.fix}"


@dataclass
class Project:
    """The parts of a manifest the rules read, limited to this project's own nodes (not packages), and the
    project's layer table (`vars.layers` in dbt_project.yml; by default the project this command works on)."""

    manifest: dict[str, Any]
    layers: tuple[Layer, ...] = field(default_factory=load_layers)

    @property
    def model_layers(self) -> dict[str, Layer]:
        """The layers that hold models, by their folder under models/ (staging, detail, aggregate, view)."""
        return model_layers(self.layers)

    @property
    def name(self) -> str:
        return str(self.manifest.get("metadata", {}).get("project_name") or "")

    def _own(self, nodes: Iterable[Node]) -> Iterator[Node]:
        for node in nodes:
            if not self.name or node.get("package_name") == self.name:
                yield node

    def nodes_of(self, resource_type: str) -> list[Node]:
        nodes = (n for n in self.manifest.get("nodes", {}).values() if n.get("resource_type") == resource_type)
        return sorted(self._own(nodes), key=lambda n: n["unique_id"])

    @property
    def models(self) -> list[Node]:
        return self.nodes_of("model")

    @property
    def seeds(self) -> list[Node]:
        return self.nodes_of("seed")

    @property
    def tests(self) -> list[Node]:
        return self.nodes_of("test")

    @property
    def sources(self) -> list[Node]:
        return sorted(self._own(self.manifest.get("sources", {}).values()), key=lambda n: n["unique_id"])

    def resource_type(self, unique_id: str) -> str:
        return unique_id.split(".", 1)[0]

    def node(self, unique_id: str) -> Node | None:
        return self.manifest.get("nodes", {}).get(unique_id) or self.manifest.get("sources", {}).get(unique_id)


def meta_of(node: Node) -> dict[str, Any]:
    """A node's meta: `config.meta` is where dbt 1.10+ wants it; top-level `meta` is the older spelling."""
    config_meta = (node.get("config") or {}).get("meta") or {}
    return {**(node.get("meta") or {}), **config_meta}


Rule = Callable[[Project], Iterable[Violation]]
