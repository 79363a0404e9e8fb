"""The violation record, the project's view of a manifest, and the function that runs every rule.

Rules live one module per concern (docs, grain, layers); each takes a `Project` and yields violations,
so a new rule is one function added to `RULES` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
    """The parts of a manifest the rules read, limited to this project's own nodes (not packages)."""

    manifest: dict[str, Any]

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


def all_rules() -> list[Rule]:
    """Every rule of the project, in the order their violations are worth reading."""
    from parebrick.rules import docs, grain, layers

    return [*layers.RULES, *grain.RULES, *docs.RULES]


def check(manifest: dict[str, Any], exceptions: Iterable[Any] = (),
          catalog: dict[str, Any] | None = None) -> list[Violation]:
    """Run every rule on a manifest (and a catalog, if given); drop what an exception with a reason covers.

    Exceptions without a reason, and exceptions that no longer match anything, come back as violations
    themselves: an exception is a reviewed decision, and a stale one hides the next real problem.
    """
    from parebrick.rules.exceptions import apply_exceptions

    project = Project(manifest)
    found: list[Violation] = []
    for rule in all_rules():
        found.extend(rule(project))
    if catalog is not None:
        from parebrick.rules.docs import catalog_violations

        found.extend(catalog_violations(project, catalog))
    return sorted(set(apply_exceptions(found, list(exceptions))))
