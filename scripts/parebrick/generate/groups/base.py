"""What a source group is to the generator, and the buffer of rows waiting for their extract day's file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa

from parebrick.generate.delivery import Defects, Delivered, Extract
from parebrick.generate.simulation import SimDay, Simulation

Rows = pa.Table | dict[str, np.ndarray]      # a table's rows: an Arrow table or named numpy columns


class SourceGroup:
    """One source system's extracts, written from the shared simulation.

    The generator asks every selected group, in registry order, for its files in delivery order: the extracts
    that are complete after each simulated day (`day_extracts`), then what is still held for the last days
    (`last_day_extracts`), then the end-of-period extracts (`period_extracts`), then the API dumps that are
    not inbox files (`write_api_dumps`). Each extract goes through `plant` on its way to the inbox. A group
    reads the simulation and never changes it; whatever it draws at random comes from its own named streams.
    """

    name: ClassVar[str]                      # the inbox folder, `--groups` name and manifest name
    time_zone: ClassVar[tuple[str, str]]     # (system, how its extracts write time) for the manifest

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    def is_defect_day(self, extract_day: int, offset: int) -> bool:
        """Whether `extract_day` is the day a delivery defect is planted: `offset` days into the extracts
        (`delivery.DUPLICATE_FILE_DAY`, `OVERLAP_DAY`, `MALFORMED_DAY`), the same day in every group."""
        return extract_day == self.sim.first_extract_day + offset

    def day_extracts(self, day: SimDay) -> Iterable[Extract]:
        """The extracts complete once `day` is simulated."""
        return ()

    def last_day_extracts(self) -> Iterable[Extract]:
        """The daily extracts still held when the simulation ends."""
        return ()

    def period_extracts(self) -> Iterable[Extract]:
        """The extracts of the whole period (dictionaries, snapshots, monthly files)."""
        return ()

    def plant(self, extract: Extract) -> Iterable[Delivered]:
        """The files one extract is delivered as, with the delivery defects planted in them."""
        return (extract.delivered(),)

    def write_api_dumps(self, out: Path, defects: Defects) -> dict:
        """Write what an API serves (not inbox files) under `out`; returns the manifest's sections about it."""
        return {}


class ExtractDays:
    """Rows waiting for the file of their extract day (a Moscow day): extracts are cut per day, and a day's
    file is written once no later simulated day can add rows to it. Rows keep the order they were added in."""

    def __init__(self) -> None:
        self._parts: dict[int, dict[str, list[Rows]]] = defaultdict(lambda: defaultdict(list))

    def add(self, table: str, extract_day: np.ndarray, rows: Rows) -> None:
        """Add `rows` of `table`, each to the file of its `extract_day`."""
        for xd in np.unique(extract_day):
            self._parts[int(xd)][table].append(_take(rows, extract_day == xd))

    def complete(self, through: int | None = None) -> Iterator[tuple[int, dict[str, list[Rows]]]]:
        """Remove and yield, in day order, the days up to `through` (all when None) with their parts per table."""
        for xd in sorted(self._parts):
            if through is None or xd <= through:
                yield xd, self._parts.pop(xd)


def _take(rows: Rows, mask: np.ndarray) -> Rows:
    if isinstance(rows, pa.Table):
        return rows.filter(pa.array(mask))
    return {k: v[mask] for k, v in rows.items()}
