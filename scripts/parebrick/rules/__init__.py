"""Project rules of Parebrick DW, checked from dbt's manifest.

The project's conventions (CONTRIBUTING.md: every node described, a tested grain, the meta keys, one-way
layers, names and folders that say the layer, contracts on published views) are what reviewers would
otherwise check by eye in every pull request. dbt Hub packages that do this are unreachable here, so the checks
are the project's own code, reading `target/manifest.json` as dbt writes it.

`check(manifest, exceptions)` returns the violations; `parebrick rules` prints them one per line.
"""

from __future__ import annotations

from parebrick.rules.project import Violation
from parebrick.rules.runner import check

__all__ = ["Violation", "check"]
