"""The lock that keeps two daily runs from overlapping: an exclusive flock on a file beside the warehouse.

The kernel releases a flock when its process ends, however it ends, so a run killed at night leaves no lock
behind for the morning. The file says which run holds it (run id, pid, host, start), for the one line the
run that finds it taken prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from parebrick.profile import Target, project_dir

LOCK_ENV = "PAREBRICK_DAILY_LOCK"


class LockHeld(RuntimeError):
    """Another daily run holds the lock; the message names it, in one line."""


def lock_path(target: Target) -> Path:
    """PAREBRICK_DAILY_LOCK, else `<warehouse>.daily.lock` beside the embedded warehouse, else (a server
    target) `.daily-<target>.lock` in the project: a server's runs are serialised on the host that runs them."""
    explicit = os.environ.get(LOCK_ENV)
    if explicit:
        return Path(explicit)
    if target.is_embedded:
        warehouse = target.warehouse_path()
        return warehouse.with_name(warehouse.name + ".daily.lock")
    return project_dir() / f".daily-{target.name}.lock"


@dataclass
class DailyLock:
    path: Path
    run_id: str
    started_at: str
    _fd: int | None = None

    def __enter__(self) -> DailyLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(f"another daily run holds the lock {self.path}: {holder(self.path)}; "
                           "this run did not start") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"run_id": self.run_id, "pid": os.getpid(), "host": socket.gethostname(),
                                 "started_at": self.started_at}).encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def holder(path: Path) -> str:
    """Who holds the lock, as its file says (it may be mid-write: then only that it is held)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        return (f"run {found['run_id']} (pid {found['pid']} on {found['host']}, "
                f"started {found['started_at']} UTC)")
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that is starting"
