"""The runner of the project rules: every rule in reading order, and the function that runs them.

A new rule is a function in its concern's module (docs, grain, layers), listed in that module's `RULES`;
the rule modules import only the types (`project.py`), and only this module imports them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from parebrick.layers import Layer, load_layers
from parebrick.rules import docs, grain, layers
from parebrick.rules.exceptions import apply_exceptions
from parebrick.rules.project import Project, Rule, Violation

# Every rule of the project, in the order their violations are worth reading.
RULES: tuple[Rule, ...] = (*layers.RULES, *grain.RULES, *docs.RULES)


def check(manifest: dict[str, Any], exceptions: Iterable[Any] = (),
          catalog: dict[str, Any] | None = None, layer_table: tuple[Layer, ...] | None = None) -> list[Violation]:
    """Run every rule on a manifest (and a catalog, if given); drop what an exception with a reason covers.

    `layer_table` is the project's `vars.layers`; by default that of the project this command works on.

    Exceptions without a reason, and exceptions that no longer match anything, come back as violations
    themselves: an exception is a reviewed decision, and a stale one hides the next real problem.
    """
    project = Project(manifest, layer_table if layer_table is not None else load_layers())
    found: list[Violation] = []
    for rule in RULES:
        found.extend(rule(project))
    if catalog is not None:
        found.extend(docs.catalog_violations(project, catalog))
    return sorted(set(apply_exceptions(found, list(exceptions))))
