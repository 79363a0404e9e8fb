"""How far the embedded engine has read a file: the offset of its open descriptors on that file.

The engine reports no progress to its caller while it parses, but it runs in this process, so the
kernel's record of our own open files says where each reader is (`/proc/self/fdinfo`). This holds when
the engine reads with plain `read()` (the loader asks for it: `storage_file_read_method = 'read'`);
`pread` and `mmap` leave the offset at 0. On a server target, or where `/proc` is absent, nothing is known.
"""

from __future__ import annotations

import os
from pathlib import Path

_FD_DIR = "/proc/self/fd"
_FDINFO_DIR = "/proc/self/fdinfo"


def read_offsets(path: Path) -> list[int]:
    """The offsets of this process's open descriptors on `path` (any name it was opened by)."""
    target = os.path.realpath(path)
    offsets = []
    try:
        descriptors = os.listdir(_FD_DIR)
    except OSError:
        return []
    for fd in descriptors:
        try:
            if os.readlink(os.path.join(_FD_DIR, fd)) != target:
                continue
            with open(os.path.join(_FDINFO_DIR, fd), encoding="ascii") as info:
                for line in info:
                    if line.startswith("pos:"):
                        offsets.append(int(line.split()[1]))
                        break
        except (OSError, ValueError):
            continue  # closed meanwhile
    return offsets


def slowest_reader(path: Path) -> int | None:
    """The least offset among the readers of `path`, or None when nothing has it open.

    The identity pass may read the same file beside the engine and is the faster of the two; the least
    offset is the engine's, or an underestimate of it.
    """
    offsets = read_offsets(path)
    return min(offsets) if offsets else None
