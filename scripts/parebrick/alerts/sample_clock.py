"""The clock of a generated sample: the moment its installation monitoring ends, for telling its alerts then.

The models judge every alert as of the warehouse's latest report or poll (docs metric_smart_as_of); the
generator records that same moment as `as_of` in the smart truth it writes beside the extracts (the
manifest's `truth.smart_planted`). At the current time instead, a sample's alerts would be told months after
its data ends, and every open one told again at each run a day later.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

TRUTH_KEY = "smart_planted"


class SampleClockError(ValueError):
    """The manifest names no monitoring as-of moment that can be read (one line, shown to the user)."""


def sample_as_of(manifest: Path) -> datetime:
    """The `as_of` (UTC) of the smart truth that a `parebrick generate` manifest lists."""
    try:
        truth = manifest.parent / json.loads(manifest.read_text(encoding="utf-8"))["truth"][TRUTH_KEY]
        as_of = json.loads(truth.read_text(encoding="utf-8"))["as_of"]
        return datetime.fromisoformat(as_of).replace(tzinfo=timezone.utc)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SampleClockError(f"{manifest}: no monitoring as-of moment in its smart truth "
                               f"({type(exc).__name__}: {exc}); is it a `parebrick generate` manifest?") from None
