"""Open the embedded ClickHouse engine (chDB) on a data directory, with a clear message when busy.

chDB is ClickHouse running inside this Python process. It keeps its data in one directory and, like a
ClickHouse server, locks that directory: a second process that opens it gets a low-level engine error.
Every caller (dbt through the `chdb` adapter, the loaders, the tests) opens the engine here, so that
error is turned into one sentence a person can act on.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

# Importing chdb changes the process's working directory for a moment (to find its engine library). It is
# imported here, with this module, before any thread opens a warehouse: another thread resolving a relative
# warehouse path at that moment would resolve it inside the chdb package.
import chdb  # noqa: F401
import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

# Like a ClickHouse server, the engine holds an exclusive flock on this file while the directory is open.
_STATUS_FILE = "status"
# Clients of one process share the engine, and dbt opens one per thread. Opening redirects the process's
# stderr for a moment, so opens take turns.
_OPENING = threading.Lock()


class WarehouseBusyError(RuntimeError):
    """Another process holds the embedded warehouse directory."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"The embedded warehouse at {path} is in use by another process: one process at a time may open "
            "an embedded warehouse. Wait for it to finish, or use the `server` target (dbt --target server, "
            "parebrick --target server) to share a ClickHouse server between processes."
        )


def resolve_path(path: str | os.PathLike[str]) -> str:
    """The absolute, symlink-free form of a data directory, as the engine compares paths literally."""
    return os.path.realpath(os.path.expanduser(os.fspath(path)))


def is_locked_by_another_process(path: str) -> bool:
    """Whether some process holds the engine lock of the data directory `path`.

    Only meaningful when this process has no engine open on `path`: flock conflicts between
    separate opens of the file even within one process.
    """
    try:
        fd = os.open(os.path.join(path, _STATUS_FILE), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextlib.contextmanager
def _engine_stderr_held_back() -> Iterator[None]:
    """Hold back what the engine writes to the process's stderr while it starts.

    The engine reports a failed start on file descriptor 2 itself, besides raising. The text is
    replayed when the start fails for any other reason than a busy directory, so nothing is lost.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        busy = False
        try:
            yield
        except WarehouseBusyError:
            busy = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if not busy:
                held.seek(0)
                text = held.read()
                if text:
                    os.write(2, text)


def default_backups_path(path: str | os.PathLike[str]) -> str:
    """Where the backups of the warehouse at `path` go unless the profile says otherwise: a directory beside
    it (`.warehouse` -> `.warehouse-backups`), so deleting the warehouse leaves its backups."""
    resolved = resolve_path(path)
    return resolved.rstrip(os.sep) + "-backups"


def open_client(path: str | os.PathLike[str], *, database: str | None = None,
                settings: dict[str, Any] | None = None, config_file: str | os.PathLike[str] | None = None,
                backups: str | os.PathLike[str] | None = None) -> Client:
    """A clickhouse-connect client on the embedded engine at `path` (created if missing).

    `config_file` is an engine configuration, as a server reads one (for example the users configuration
    of parebrick.access.row_policies); the engine reads it when it starts, at the first open in a process.
    `backups` is the one directory `BACKUP`/`RESTORE` may use (default: `default_backups_path`). The engine
    takes it only when it starts, so it is given on every open: whichever open comes first, backups work.
    """
    resolved = resolve_path(path)
    os.makedirs(resolved, exist_ok=True)
    options = {"backups.allowed_path": resolve_path(backups) if backups else default_backups_path(resolved)}
    if config_file:
        options["config-file"] = resolve_path(config_file)
    with _OPENING, _engine_stderr_held_back():
        try:
            return clickhouse_connect.get_client(
                interface="chdb", path=resolved, database=database, settings=settings or {}, chdb_options=options
            )
        except DatabaseError:
            if is_locked_by_another_process(resolved):
                raise WarehouseBusyError(resolved) from None
            raise
