"""Exceptions to the project rules: one reviewed file, `rules_exceptions.yml`, a reason for each.

An exception is a design decision a reviewer agreed to, so it must say why. One without a reason, or one
that matches nothing any more, is itself reported: the file stays a short list of live decisions.

    exceptions:
      - node: v_legacy_report        # the name printed in the violation line
        rule: view-contract          # the rule printed in the violation line
        reason: read by the old Superset dashboard until it is retired (ticket 123)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from parebrick.rules.project import Violation

FILE_NAME = "rules_exceptions.yml"


class ExceptionsFileError(ValueError):
    """The exceptions file cannot be read as a list of {node, rule, reason}."""


def load_exceptions(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("exceptions") or [], list):
        raise ExceptionsFileError(f"{path.name}: expected a mapping with a list under 'exceptions'")
    entries = data.get("exceptions") or []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ExceptionsFileError(f"{path.name}: every exception is a mapping of node, rule and reason")
    return entries


def apply_exceptions(violations: Iterable[Violation], exceptions: list[dict[str, Any]]) -> list[Violation]:
    remaining = list(violations)
    problems: list[Violation] = []
    for entry in exceptions:
        node, rule = str(entry.get("node") or "").strip(), str(entry.get("rule") or "").strip()
        label = f"{FILE_NAME}: {node or '?'}/{rule or '?'}"
        if not node or not rule:
            problems.append(Violation(label, "exception-reason", "name the node and the rule the exception covers"))
            continue
        if not str(entry.get("reason") or "").strip():
            problems.append(Violation(label, "exception-reason",
                                      "give the reviewed reason for this exception, or remove it and fix the model"))
            continue
        matched = [v for v in remaining if v.node == node and v.rule == rule]
        if not matched:
            problems.append(Violation(label, "exception-stale", "nothing violates this rule any more; remove the exception"))
        remaining = [v for v in remaining if v not in matched]
    return remaining + problems
