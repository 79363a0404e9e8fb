"""Named random streams: one numpy Generator per (seed, purpose, index), independent of call order."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, index: int = 0) -> np.random.Generator:
    """A Generator for one purpose. A stable CRC of the name (not Python's salted `hash`) keeps runs equal."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8")), index])
