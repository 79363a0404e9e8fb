"""The installation-monitoring cabinets and which cabinets' rows each of them may see.

A branch cabinet of a very large distributor sees only its own rows; the distributor's head cabinet sees
its own and every branch's; a distributor with one cabinet sees its own. The dictionary is the seed
`dim_smart_cabinets`, reviewed by pull request: this module is the one reading of it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from parebrick.profile import project_dir

# Every row of the smart group carries the cabinet it belongs to in this column: the one the policies filter.
TENANCY_COLUMN = "cabinet"
SEED = Path("seeds") / "dim" / "dim_smart_cabinets.csv"
# The vendor's spelling (`kodeks`, `kodeks-spb`): it also goes into SQL literals and role names unquoted.
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CabinetsError(ValueError):
    """The cabinets dictionary cannot say who sees what; the message names the row."""


@dataclass(frozen=True)
class Cabinet:
    name: str
    distributor: str
    is_branch: bool


def read_cabinets(path: Path | None = None) -> tuple[Cabinet, ...]:
    """The cabinets of the dictionary (default: the project's seed), checked for a consistent hierarchy."""
    source = path or project_dir() / SEED
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cabinets = tuple(Cabinet(row["cabinet"], row["distributor"], _flag(row["is_branch"], source, row["cabinet"]))
                     for row in rows)
    _check(cabinets, source)
    return cabinets


def _flag(text: str, source: Path, cabinet: str) -> bool:
    if text not in ("0", "1"):
        raise CabinetsError(f"{source}: cabinet {cabinet!r} has is_branch {text!r}; expected 0 or 1")
    return text == "1"


def _check(cabinets: tuple[Cabinet, ...], source: Path) -> None:
    names = [cabinet.name for cabinet in cabinets]
    for cabinet in cabinets:
        if not _NAME.match(cabinet.name) or not _NAME.match(cabinet.distributor):
            raise CabinetsError(f"{source}: cabinet {cabinet.name!r} of distributor {cabinet.distributor!r}: "
                                "names are lower-case Latin letters and digits, a branch joined by '-'")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CabinetsError(f"{source}: cabinet {repeated[0]!r} is listed more than once")
    for distributor in sorted({cabinet.distributor for cabinet in cabinets}):
        heads = [c.name for c in cabinets if c.distributor == distributor and not c.is_branch]
        if len(heads) != 1:
            raise CabinetsError(f"{source}: distributor {distributor!r} has {len(heads)} cabinets that are not "
                                "branches; expected exactly one (its head or only cabinet)")


def visible_cabinets(cabinet: str, cabinets: tuple[Cabinet, ...]) -> tuple[str, ...]:
    """The cabinets whose rows `cabinet` may see, sorted: its own, and its branches if it is a head cabinet."""
    by_name = {c.name: c for c in cabinets}
    if cabinet not in by_name:
        raise CabinetsError(f"no cabinet {cabinet!r} in the cabinets dictionary")
    own = by_name[cabinet]
    if own.is_branch:
        return (own.name,)
    branches = [c.name for c in cabinets if c.distributor == own.distributor and c.is_branch]
    return tuple(sorted([own.name, *branches]))
